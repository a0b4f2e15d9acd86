#include "kernels/cpu/lrn.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ldd::kernels::cpu {
namespace {

struct Window {
  std::int64_t before, after;  // window(c) = [c - before, c + after]
};

Window window_of(const LrnParams& p) {
  const std::int64_t before = (p.size - 1) / 2;
  return {before, p.size - 1 - before};
}

}  // namespace

void lrn_forward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                 const float* x, float* y, float* scale) {
  const Window win = window_of(p);
  const double alpha_over_size = static_cast<double>(p.alpha) / static_cast<double>(p.size);
#pragma omp parallel
  {
    std::vector<double> sum_sq(static_cast<std::size_t>(inner));
#pragma omp for schedule(static)
    for (std::int64_t o = 0; o < outer; ++o) {
      const float* xo = x + o * channels * inner;
      for (std::int64_t c = 0; c < channels; ++c) {
        std::fill(sum_sq.begin(), sum_sq.end(), 0.0);
        const std::int64_t lo = std::max<std::int64_t>(0, c - win.before);
        const std::int64_t hi = std::min(channels - 1, c + win.after);
        for (std::int64_t j = lo; j <= hi; ++j)
          for (std::int64_t i = 0; i < inner; ++i) {
            const double v = xo[j * inner + i];
            sum_sq[static_cast<std::size_t>(i)] += v * v;
          }
        const std::int64_t base = (o * channels + c) * inner;
        for (std::int64_t i = 0; i < inner; ++i) {
          const double s = p.k + alpha_over_size * sum_sq[static_cast<std::size_t>(i)];
          scale[base + i] = static_cast<float>(s);
          y[base + i] = static_cast<float>(x[base + i] * std::pow(s, -static_cast<double>(p.beta)));
        }
      }
    }
  }
}

void lrn_backward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                  const float* x, const float* y, const float* scale, const float* dy, float* dx) {
  const Window win = window_of(p);
  const double coefficient = 2.0 * p.alpha * p.beta / static_cast<double>(p.size);
#pragma omp parallel
  {
    std::vector<double> ratio(static_cast<std::size_t>(channels * inner));  // dy * y / scale
    std::vector<double> window_sum(static_cast<std::size_t>(inner));
#pragma omp for schedule(static)
    for (std::int64_t o = 0; o < outer; ++o) {
      const std::int64_t base = o * channels * inner;
      for (std::int64_t e = 0; e < channels * inner; ++e)
        ratio[static_cast<std::size_t>(e)] =
            static_cast<double>(dy[base + e]) * y[base + e] / static_cast<double>(scale[base + e]);
      for (std::int64_t c = 0; c < channels; ++c) {
        // Channel c is inside window(j) for j in [c - after, c + before].
        std::fill(window_sum.begin(), window_sum.end(), 0.0);
        const std::int64_t lo = std::max<std::int64_t>(0, c - win.after);
        const std::int64_t hi = std::min(channels - 1, c + win.before);
        for (std::int64_t j = lo; j <= hi; ++j)
          for (std::int64_t i = 0; i < inner; ++i)
            window_sum[static_cast<std::size_t>(i)] += ratio[static_cast<std::size_t>(j * inner + i)];
        for (std::int64_t i = 0; i < inner; ++i) {
          const std::int64_t e = base + c * inner + i;
          const double direct = dy[e] * std::pow(static_cast<double>(scale[e]), -static_cast<double>(p.beta));
          dx[e] += static_cast<float>(direct - coefficient * x[e] * window_sum[static_cast<std::size_t>(i)]);
        }
      }
    }
  }
}

}  // namespace ldd::kernels::cpu
