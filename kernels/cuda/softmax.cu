#include <vector>

#include "base/check.h"
#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/softmax.h"

namespace ldd::kernels::cuda {
namespace {

__global__ void log_softmax_kernel(long long rows, long long classes, const float* x, float* y) {
  LDD_GRID_STRIDE_LOOP(r, rows) {
    const float* in = x + r * classes;
    double max = in[0];
    for (long long c = 1; c < classes; ++c) max = in[c] > max ? in[c] : max;
    double sum = 0.0;
    for (long long c = 0; c < classes; ++c) sum += exp(in[c] - max);
    const double log_sum = max + log(sum);
    for (long long c = 0; c < classes; ++c) y[r * classes + c] = static_cast<float>(in[c] - log_sum);
  }
}

__global__ void log_softmax_backward_kernel(long long rows, long long classes, const float* y, const float* dy, float* dx) {
  LDD_GRID_STRIDE_LOOP(r, rows) {
    double sum = 0.0;
    for (long long c = 0; c < classes; ++c) sum += dy[r * classes + c];
    for (long long c = 0; c < classes; ++c) {
      const long long e = r * classes + c;
      dx[e] += static_cast<float>(dy[e] - exp(static_cast<double>(y[e])) * sum);
    }
  }
}

// loss[r] = -log p[r, t_r] for every row (the host weighs and adds them).
__global__ void pick_kernel(long long rows, long long classes, const float* log_probs, const int* targets, double* loss) {
  LDD_GRID_STRIDE_LOOP(r, rows) {
    const int t = targets[r];
    loss[r] = t >= 0 && t < classes ? -static_cast<double>(log_probs[r * classes + t]) : 0.0;
  }
}

// dlogits[r, c] += factor[r] * (softmax - onehot); factor is 0 for ignored rows.
__global__ void cross_entropy_backward_kernel(long long rows, long long classes, const float* log_probs, const int* targets,
                                              const double* factor, float* dlogits) {
  LDD_GRID_STRIDE_LOOP(e, rows * classes) {
    const long long r = e / classes, c = e % classes;
    if (factor[r] == 0.0) continue;
    const double onehot = c == targets[r] ? 1.0 : 0.0;
    dlogits[e] += static_cast<float>(factor[r] * (exp(static_cast<double>(log_probs[e])) - onehot));
  }
}

__global__ void bce_kernel(long long n, const float* x, const std::uint8_t* t, std::uint8_t ignore, double* partials) {
  double loss = 0.0;
  LDD_GRID_STRIDE_LOOP(i, n) {
    if (t[i] == ignore) continue;
    const double v = x[i];
    loss += (v > 0.0 ? v : 0.0) - v * t[i] + log1p(exp(-fabs(v)));
  }
  block_sum_to(loss, partials);
}

__global__ void bce_backward_kernel(long long n, const float* x, const std::uint8_t* t, std::uint8_t ignore, float scale,
                                    float* dx) {
  LDD_GRID_STRIDE_LOOP(i, n) {
    if (t[i] != ignore) dx[i] += scale * (1.0f / (1.0f + expf(-x[i])) - static_cast<float>(t[i]));
  }
}

// The CPU twin's per-row weight, with its check of the (host-memory) targets.
double target_weight(const CrossEntropyArgs& a, std::int64_t row) {
  const int t = a.targets[row];
  if (t == a.ignore_index) return 0.0;
  LDD_CHECK(t >= 0 && t < a.classes, "cross_entropy: target " << t << " of row " << row << " is outside [0, " << a.classes
                                                              << ") and is not the ignore index " << a.ignore_index);
  return a.class_weights ? static_cast<double>(a.class_weights[t]) : 1.0;
}

std::vector<double> row_weights(const CrossEntropyArgs& a, double& total) {
  std::vector<double> w(static_cast<std::size_t>(a.rows));
  total = 0.0;
  for (std::int64_t r = 0; r < a.rows; ++r) total += (w[static_cast<std::size_t>(r)] = target_weight(a, r));
  return w;
}

std::int64_t labelled_count(std::int64_t n, const std::uint8_t* t, std::uint8_t ignore) {
  std::int64_t labelled = 0;
  for (std::int64_t i = 0; i < n; ++i) labelled += t[i] != ignore;
  return labelled;
}

}  // namespace

void log_softmax_forward(std::int64_t rows, std::int64_t classes, const float* x, float* y) {
  log_softmax_kernel<<<grid_for(rows), kBlockSize, 0, stream()>>>(rows, classes, x, y);
  CUDA_CHECK_LAUNCH();
}

void log_softmax_backward(std::int64_t rows, std::int64_t classes, const float* y, const float* dy, float* dx) {
  log_softmax_backward_kernel<<<grid_for(rows), kBlockSize, 0, stream()>>>(rows, classes, y, dy, dx);
  CUDA_CHECK_LAUNCH();
}

float cross_entropy_forward(const CrossEntropyArgs& a) {
  double total = 0.0;
  const std::vector<double> w = row_weights(a, total);
  if (total == 0.0) return 0.0f;
  const DeviceBuffer<int> targets(a.targets, static_cast<std::size_t>(a.rows));
  DeviceBuffer<double> loss(static_cast<std::size_t>(a.rows));
  pick_kernel<<<grid_for(a.rows), kBlockSize, 0, stream()>>>(a.rows, a.classes, a.log_probs, targets.data(), loss.data());
  CUDA_CHECK_LAUNCH();
  // Weighted and added on the host in row order, as the CPU twin does.
  const std::vector<double> per_row = loss.to_host();
  double sum = 0.0;
  for (std::size_t r = 0; r < per_row.size(); ++r)
    if (w[r] != 0.0) sum += w[r] * per_row[r];
  return static_cast<float>(sum / total);
}

void cross_entropy_backward(const CrossEntropyArgs& a, float dloss, float* dlogits) {
  double total = 0.0;
  std::vector<double> factor = row_weights(a, total);
  if (total == 0.0) return;
  for (double& f : factor) f *= dloss / total;
  const DeviceBuffer<int> targets(a.targets, static_cast<std::size_t>(a.rows));
  const DeviceBuffer<double> factors(factor.data(), factor.size());
  cross_entropy_backward_kernel<<<grid_for(a.rows * a.classes), kBlockSize, 0, stream()>>>(
      a.rows, a.classes, a.log_probs, targets.data(), factors.data(), dlogits);
  CUDA_CHECK_LAUNCH();
}

float binary_cross_entropy_forward(std::int64_t n, const float* x, const std::uint8_t* t, std::uint8_t ignore) {
  const std::int64_t labelled = labelled_count(n, t, ignore);
  if (labelled == 0) return 0.0f;
  const DeviceBuffer<std::uint8_t> targets(t, static_cast<std::size_t>(n));
  const int blocks = reduce_grid(n);
  DeviceBuffer<double> partials(static_cast<std::size_t>(blocks));
  bce_kernel<<<blocks, kBlockSize, 0, stream()>>>(n, x, targets.data(), ignore, partials.data());
  CUDA_CHECK_LAUNCH();
  return static_cast<float>(sum_partials(partials) / static_cast<double>(labelled));
}

void binary_cross_entropy_backward(std::int64_t n, const float* x, const std::uint8_t* t, std::uint8_t ignore, float dloss,
                                   float* dx) {
  const std::int64_t labelled = labelled_count(n, t, ignore);
  if (labelled == 0) return;
  const DeviceBuffer<std::uint8_t> targets(t, static_cast<std::size_t>(n));
  bce_backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, x, targets.data(), ignore,
                                                                dloss / static_cast<float>(labelled), dx);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
