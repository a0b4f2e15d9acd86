#include "kernels/cpu/optim.h"

#include <cmath>

namespace ldd::kernels::cpu {

void sgd_update(const SgdArgs& a, float* p, const float* grad, float* buf) {
#pragma omp parallel for simd if (a.n > 32768)
  for (std::int64_t i = 0; i < a.n; ++i) {
    float g = grad[i] + a.weight_decay * p[i];
    if (a.momentum != 0.0f) {
      buf[i] = a.first_step ? g : a.momentum * buf[i] + (1.0f - a.dampening) * g;
      g = a.nesterov ? g + a.momentum * buf[i] : buf[i];
    }
    p[i] -= a.lr * g;
  }
}

void adam_update(const AdamArgs& a, float* p, const float* grad, float* m, float* v) {
  const AdamScalars k = adam_scalars(a);
#pragma omp parallel for simd if (a.n > 32768)
  for (std::int64_t i = 0; i < a.n; ++i) {
    const float g = grad[i] + k.l2 * p[i];
    p[i] *= k.decay;
    m[i] = a.beta1 * m[i] + (1.0f - a.beta1) * g;
    v[i] = a.beta2 * v[i] + (1.0f - a.beta2) * g * g;
    p[i] -= k.step_size * m[i] / (std::sqrt(v[i]) / k.bias2_sqrt + a.eps);
  }
}

double sum_squares(std::int64_t n, const float* x) {
  double s = 0.0;
  for (std::int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  return s;
}

void scale(std::int64_t n, float alpha, float* x) {
#pragma omp parallel for simd if (n > 32768)
  for (std::int64_t i = 0; i < n; ++i) x[i] *= alpha;
}

}  // namespace ldd::kernels::cpu
