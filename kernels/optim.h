// Parameter updates of the optimizers, one fused pass over each parameter (PyTorch's update rules).
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

struct SgdArgs {
  std::int64_t n = 0;
  float lr = 0.01f, momentum = 0.0f, dampening = 0.0f, weight_decay = 0.0f;
  bool nesterov = false;
  bool first_step = false;  // the momentum buffer starts as the first gradient
};
// g = grad + wd p;  buf = first ? g : momentum buf + (1 - dampening) g;  g = nesterov ? g + momentum buf : buf;
// p -= lr g.  momentum_buffer may be null when momentum is 0.
void sgd_update(Device device, const SgdArgs& args, float* param, const float* grad, float* momentum_buffer);

struct AdamArgs {
  std::int64_t n = 0;
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
  bool decoupled_weight_decay = false;  // AdamW: p *= 1 - lr wd, instead of adding wd p to the gradient
  std::int64_t step = 1;                // 1-based, for bias correction
};
// The per-step scalars of the update, computed once on the host in double as PyTorch does:
//   g = grad + l2 p;  p *= decay;  m, v as usual;  p -= step_size m / (sqrt(v) / bias2_sqrt + eps).
struct AdamScalars {
  float step_size, bias2_sqrt, decay, l2;
};
AdamScalars adam_scalars(const AdamArgs& args);

void adam_update(Device device, const AdamArgs& args, float* param, const float* grad, float* exp_avg,
                 float* exp_avg_sq);

// Sum of squares of x, accumulated in double (for gradient-norm clipping).
double sum_squares(Device device, std::int64_t n, const float* x);
// x *= alpha
void scale(Device device, std::int64_t n, float alpha, float* x);

}  // namespace ldd::kernels
