#include "nn/module.h"

#include "base/check.h"

namespace ldd {

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  for (const auto& [name, p] : parameters_) out.emplace_back(name, *p);
  for (const auto& [prefix, child] : children_)
    for (auto& [name, p] : child->named_parameters()) out.emplace_back(prefix + "." + name, p);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, p] : named_parameters()) out.push_back(p);
  return out;
}

void Module::train(bool training) {
  training_ = training;
  for (auto& [name, child] : children_) child->train(training);
}

void Module::set_batch_offset(std::int64_t first_row) {
  LDD_CHECK(first_row >= 0, "batch offset " << first_row << ": a row of the batch, 0 or more");
  batch_offset_ = first_row;
  for (auto& [name, child] : children_) child->set_batch_offset(first_row);
}

void Module::zero_grad() {
  for (auto& p : parameters()) p.set_grad(Tensor());
}

void Module::to(Device device) {
  for (auto& [name, p] : parameters_)
    if (p->device() != device) *p = p->detach().to(device).set_requires_grad();
  for (auto& [name, child] : children_) child->to(device);
}

Tensor& Module::register_parameter(const std::string& name, Tensor value) {
  for (const auto& [existing, p] : parameters_)
    LDD_CHECK(existing != name, "module already has a parameter named '" << name << "'");
  value.set_requires_grad();
  parameters_.emplace_back(name, std::make_unique<Tensor>(std::move(value)));
  return *parameters_.back().second;
}

void Module::register_module(const std::string& name, std::shared_ptr<Module> child) {
  for (const auto& [existing, c] : children_)
    LDD_CHECK(existing != name, "module already has a child named '" << name << "'");
  LDD_CHECK(child != nullptr, "register_module('" << name << "'): null module");
  children_.emplace_back(name, std::move(child));
}

}  // namespace ldd
