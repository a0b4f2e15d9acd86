#include "nn/optim/clip.h"

#include <cmath>

#include "base/check.h"
#include "kernels/optim.h"

namespace ldd {

double clip_grad_norm(const std::vector<Tensor>& parameters, double max_norm) {
  LDD_CHECK(max_norm > 0.0, "clip_grad_norm: max_norm must be > 0, got " << max_norm);
  double total = 0.0;
  for (const auto& p : parameters) {
    const Tensor g = p.grad();
    if (g.defined()) total += kernels::sum_squares(g.device(), g.numel(), g.data());
  }
  const double norm = std::sqrt(total);
  if (norm > max_norm) {
    const float factor = static_cast<float>(max_norm / (norm + 1e-6));
    for (const auto& p : parameters) {
      Tensor g = p.grad();
      if (g.defined()) kernels::scale(g.device(), g.numel(), factor, g.data());
    }
  }
  return norm;
}

}  // namespace ldd
