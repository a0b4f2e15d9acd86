#include "nn/optim/adam.h"

#include <sstream>

#include "base/check.h"
#include "kernels/optim.h"

namespace ldd {

Adam::Adam(NamedTensors parameters, const AdamOptions& o) : Optimizer(std::move(parameters), o.learning_rate), options_(o) {
  LDD_CHECK(o.beta1 >= 0.0 && o.beta1 < 1.0 && o.beta2 >= 0.0 && o.beta2 < 1.0,
            "adam: beta1 and beta2 must be in [0, 1), got " << o.beta1 << " and " << o.beta2);
  LDD_CHECK(o.eps > 0.0 && o.weight_decay >= 0.0, "adam: eps must be > 0 and weight_decay >= 0");
  add_buffer("exp_avg");
  add_buffer("exp_avg_sq");
}

std::string Adam::describe() const {
  std::ostringstream s;
  s << "beta1=" << options_.beta1 << "\nbeta2=" << options_.beta2 << "\neps=" << options_.eps
    << "\nweight_decay=" << options_.weight_decay << "\n";
  return s.str();
}

void Adam::update(Tensor& p, const Tensor& g, std::vector<Tensor>& buffers) {
  const kernels::AdamArgs args{.n = p.numel(), .lr = static_cast<float>(learning_rate()),
                               .beta1 = static_cast<float>(options_.beta1), .beta2 = static_cast<float>(options_.beta2),
                               .eps = static_cast<float>(options_.eps),
                               .weight_decay = static_cast<float>(options_.weight_decay),
                               .decoupled_weight_decay = options_.decoupled_weight_decay, .step = steps() + 1};
  kernels::adam_update(p.device(), args, p.data(), g.data(), buffers[0].data(), buffers[1].data());
}

}  // namespace ldd
