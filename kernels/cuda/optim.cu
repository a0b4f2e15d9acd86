#include "kernels/cuda/optim.h"
#include "kernels/cuda/reduce.cuh"

namespace ldd::kernels::cuda {
namespace {

__global__ void sgd_kernel(SgdArgs a, float* p, const float* grad, float* buf) {
  LDD_GRID_STRIDE_LOOP(i, a.n) {
    float g = grad[i] + a.weight_decay * p[i];
    if (a.momentum != 0.0f) {
      buf[i] = a.first_step ? g : a.momentum * buf[i] + (1.0f - a.dampening) * g;
      g = a.nesterov ? g + a.momentum * buf[i] : buf[i];
    }
    p[i] -= a.lr * g;
  }
}

__global__ void adam_kernel(AdamArgs a, AdamScalars k, float* p, const float* grad, float* m, float* v) {
  LDD_GRID_STRIDE_LOOP(i, a.n) {
    const float g = grad[i] + k.l2 * p[i];
    p[i] *= k.decay;
    m[i] = a.beta1 * m[i] + (1.0f - a.beta1) * g;
    v[i] = a.beta2 * v[i] + (1.0f - a.beta2) * g * g;
    p[i] -= k.step_size * m[i] / (sqrtf(v[i]) / k.bias2_sqrt + a.eps);
  }
}

__global__ void sum_squares_kernel(long long n, const float* x, double* partials) {
  double sum = 0.0;
  LDD_GRID_STRIDE_LOOP(i, n) sum += static_cast<double>(x[i]) * x[i];
  block_sum_to(sum, partials);
}

__global__ void scale_kernel(long long n, float alpha, float* x) {
  LDD_GRID_STRIDE_LOOP(i, n) x[i] *= alpha;
}

}  // namespace

void sgd_update(const SgdArgs& a, float* param, const float* grad, float* momentum_buffer) {
  sgd_kernel<<<grid_for(a.n), kBlockSize, 0, stream()>>>(a, param, grad, momentum_buffer);
  CUDA_CHECK_LAUNCH();
}

void adam_update(const AdamArgs& a, float* param, const float* grad, float* exp_avg, float* exp_avg_sq) {
  adam_kernel<<<grid_for(a.n), kBlockSize, 0, stream()>>>(a, adam_scalars(a), param, grad, exp_avg, exp_avg_sq);
  CUDA_CHECK_LAUNCH();
}

double sum_squares(std::int64_t n, const float* x) {
  if (n == 0) return 0.0;
  const int blocks = reduce_grid(n);
  DeviceBuffer<double> partials(static_cast<std::size_t>(blocks));
  sum_squares_kernel<<<blocks, kBlockSize, 0, stream()>>>(n, x, partials.data());
  CUDA_CHECK_LAUNCH();
  return sum_partials(partials);
}

void scale(std::int64_t n, float alpha, float* x) {
  scale_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, alpha, x);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
