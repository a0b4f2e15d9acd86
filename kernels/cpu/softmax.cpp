#include "kernels/cpu/softmax.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace ldd::kernels::cpu {
namespace {

double target_weight(const CrossEntropyArgs& a, std::int64_t row) {
  const int t = a.targets[row];
  if (t == a.ignore_index) return 0.0;
  LDD_CHECK(t >= 0 && t < a.classes, "cross_entropy: target " << t << " of row " << row << " is outside [0, "
                                                              << a.classes << ") and is not the ignore index "
                                                              << a.ignore_index);
  return a.class_weights ? static_cast<double>(a.class_weights[t]) : 1.0;
}

double total_weight(const CrossEntropyArgs& a) {
  double total = 0.0;
  for (std::int64_t r = 0; r < a.rows; ++r) total += target_weight(a, r);
  return total;
}

}  // namespace

void log_softmax_forward(std::int64_t rows, std::int64_t classes, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (rows * classes > 32768)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * classes;
    const double max = *std::max_element(in, in + classes);
    double sum = 0.0;
    for (std::int64_t c = 0; c < classes; ++c) sum += std::exp(in[c] - max);
    const double log_sum = max + std::log(sum);
    for (std::int64_t c = 0; c < classes; ++c) y[r * classes + c] = static_cast<float>(in[c] - log_sum);
  }
}

void log_softmax_backward(std::int64_t rows, std::int64_t classes, const float* y, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (rows * classes > 32768)
  for (std::int64_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < classes; ++c) sum += dy[r * classes + c];
    for (std::int64_t c = 0; c < classes; ++c) {
      const std::int64_t e = r * classes + c;
      dx[e] += static_cast<float>(dy[e] - std::exp(static_cast<double>(y[e])) * sum);
    }
  }
}

float cross_entropy_forward(const CrossEntropyArgs& a) {
  const double total = total_weight(a);
  if (total == 0.0) return 0.0f;
  double loss = 0.0;
  for (std::int64_t r = 0; r < a.rows; ++r) {
    const double w = target_weight(a, r);
    if (w != 0.0) loss -= w * a.log_probs[r * a.classes + a.targets[r]];
  }
  return static_cast<float>(loss / total);
}

void cross_entropy_backward(const CrossEntropyArgs& a, float dloss, float* dlogits) {
  const double total = total_weight(a);
  if (total == 0.0) return;
  for (std::int64_t r = 0; r < a.rows; ++r) {
    const double w = target_weight(a, r);
    if (w == 0.0) continue;
    const double factor = dloss * w / total;
    for (std::int64_t c = 0; c < a.classes; ++c) {
      const std::int64_t e = r * a.classes + c;
      const double onehot = c == a.targets[r] ? 1.0 : 0.0;
      dlogits[e] += static_cast<float>(factor * (std::exp(static_cast<double>(a.log_probs[e])) - onehot));
    }
  }
}

float binary_cross_entropy_forward(std::int64_t n, const float* x, const std::uint8_t* t, std::uint8_t ignore) {
  double loss = 0;
  std::int64_t labelled = 0;
#pragma omp parallel for reduction(+ : loss, labelled) if (n > 32768)
  for (std::int64_t i = 0; i < n; ++i) {
    if (t[i] == ignore) continue;
    const double v = x[i];
    loss += std::max(v, 0.0) - v * t[i] + std::log1p(std::exp(-std::abs(v)));
    ++labelled;
  }
  return labelled ? static_cast<float>(loss / static_cast<double>(labelled)) : 0.0f;
}

void binary_cross_entropy_backward(std::int64_t n, const float* x, const std::uint8_t* t, std::uint8_t ignore, float dloss,
                                   float* dx) {
  std::int64_t labelled = 0;
  for (std::int64_t i = 0; i < n; ++i) labelled += t[i] != ignore;
  if (labelled == 0) return;
  const float scale = dloss / static_cast<float>(labelled);
#pragma omp parallel for if (n > 32768)
  for (std::int64_t i = 0; i < n; ++i)
    if (t[i] != ignore) dx[i] += scale * (1.0f / (1.0f + std::exp(-x[i])) - static_cast<float>(t[i]));
}

}  // namespace ldd::kernels::cpu
