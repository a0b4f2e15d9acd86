#include "nn/optim/sgd.h"

#include <sstream>

#include "base/check.h"
#include "kernels/optim.h"

namespace ldd {

Sgd::Sgd(NamedTensors parameters, const SgdOptions& o) : Optimizer(std::move(parameters), o.learning_rate), options_(o) {
  LDD_CHECK(o.momentum >= 0.0 && o.weight_decay >= 0.0 && o.dampening >= 0.0,
            "sgd: momentum, dampening and weight_decay must be >= 0");
  LDD_CHECK(!o.nesterov || (o.momentum > 0.0 && o.dampening == 0.0),
            "sgd: Nesterov momentum needs momentum > 0 and dampening 0");
  add_buffer("momentum");
}

std::string Sgd::describe() const {
  std::ostringstream s;
  s << "momentum=" << options_.momentum << "\ndampening=" << options_.dampening << "\nweight_decay="
    << options_.weight_decay << "\nnesterov=" << (options_.nesterov ? "true" : "false") << "\n";
  return s.str();
}

void Sgd::update(Tensor& p, const Tensor& g, std::vector<Tensor>& buffers) {
  const kernels::SgdArgs args{.n = p.numel(), .lr = static_cast<float>(learning_rate()),
                              .momentum = static_cast<float>(options_.momentum),
                              .dampening = static_cast<float>(options_.dampening),
                              .weight_decay = static_cast<float>(options_.weight_decay),
                              .nesterov = options_.nesterov, .first_step = steps() == 0};
  kernels::sgd_update(p.device(), args, p.data(), g.data(), buffers[0].data());
}

}  // namespace ldd
