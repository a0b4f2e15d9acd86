// What both optimizer twins compute on the host before their per-element pass.
#include <cmath>

#include "kernels/optim.h"

namespace ldd::kernels {

AdamScalars adam_scalars(const AdamArgs& a) {
  const double bias1 = 1.0 - std::pow(static_cast<double>(a.beta1), static_cast<double>(a.step));
  const double bias2 = 1.0 - std::pow(static_cast<double>(a.beta2), static_cast<double>(a.step));
  return {.step_size = static_cast<float>(a.lr / bias1),
          .bias2_sqrt = static_cast<float>(std::sqrt(bias2)),
          .decay = a.decoupled_weight_decay ? 1.0f - a.lr * a.weight_decay : 1.0f,
          .l2 = a.decoupled_weight_decay ? 0.0f : a.weight_decay};
}

}  // namespace ldd::kernels
