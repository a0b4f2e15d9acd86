#include "nn/optim/optimizer.h"

#include "base/check.h"

namespace ldd {

Optimizer::Optimizer(NamedTensors parameters, double learning_rate)
    : parameters_(std::move(parameters)), buffers_(parameters_.size()), learning_rate_(learning_rate) {
  LDD_CHECK(learning_rate > 0.0, "optimizer: learning rate must be > 0, got " << learning_rate);
  for (const auto& [name, p] : parameters_)
    LDD_CHECK(p.requires_grad(), "optimizer: parameter '" << name << "' does not require grad");
}

void Optimizer::add_buffer(const std::string& name) {
  buffer_names_.push_back(name);
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    buffers_[i].push_back(Tensor::zeros(parameters_[i].second.shape(), parameters_[i].second.device()));
}

void Optimizer::step() {
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    Tensor& p = parameters_[i].second;
    const Tensor g = p.grad();
    if (g.defined()) update(p, g, buffers_[i]);
  }
  ++steps_;
}

void Optimizer::zero_grad() {
  for (auto& [name, p] : parameters_) p.set_grad(Tensor());
}

NamedTensors Optimizer::state() const {
  NamedTensors out;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    for (std::size_t b = 0; b < buffer_names_.size(); ++b)
      out.emplace_back(parameters_[i].first + "/" + buffer_names_[b], buffers_[i][b]);
  return out;
}

void Optimizer::load_state(const NamedTensors& buffers, std::int64_t steps) {
  const NamedTensors mine = state();
  LDD_CHECK(buffers.size() == mine.size(), kind() << " optimizer state: expected " << mine.size() << " buffers, got "
                                                  << buffers.size());
  for (std::size_t i = 0; i < mine.size(); ++i) {
    LDD_CHECK(buffers[i].first == mine[i].first, kind() << " optimizer state: buffer " << i << " is '" << buffers[i].first
                                                        << "', expected '" << mine[i].first << "'");
    LDD_CHECK(buffers[i].second.shape() == mine[i].second.shape(),
              kind() << " optimizer state: '" << mine[i].first << "' has shape " << buffers[i].second.shape()
                     << ", expected " << mine[i].second.shape());
  }
  for (std::size_t i = 0; i < mine.size(); ++i) {
    Tensor target = mine[i].second;
    target.assign(buffers[i].second);
  }
  steps_ = steps;
}

}  // namespace ldd
