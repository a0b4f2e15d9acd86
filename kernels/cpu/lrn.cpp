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

// scale^-beta over a row. VGG-M's beta = 0.75 becomes 1 / sqrt(s * sqrt(s)): two square roots that
// vectorise, where pow() is a scalar library call per element (most of LRN's time otherwise).
void inverse_power(const LrnParams& p, const float* scale, float* out, std::int64_t n) {
  if (p.beta == 0.75f) {
#pragma omp simd
    for (std::int64_t i = 0; i < n; ++i) out[i] = 1.0f / std::sqrt(scale[i] * std::sqrt(scale[i]));
  } else {
    for (std::int64_t i = 0; i < n; ++i) out[i] = std::pow(scale[i], -p.beta);
  }
}

// out[c] = sum over j in [c - reach_back, c + reach_forward] (clipped) of rows[j], for every channel c.
// Summed directly, not as a running sum: a window is a handful of planes that stay in cache, and float
// adds of a few terms neither drift nor need double precision.
void window_sums(const float* rows, std::int64_t channels, std::int64_t inner, std::int64_t reach_back,
                 std::int64_t reach_forward, float* out) {
  for (std::int64_t c = 0; c < channels; ++c) {
    const std::int64_t lo = std::max<std::int64_t>(0, c - reach_back), hi = std::min(channels - 1, c + reach_forward);
    float* o = out + c * inner;
    std::copy(rows + lo * inner, rows + (lo + 1) * inner, o);
    for (std::int64_t j = lo + 1; j <= hi; ++j) {
      const float* r = rows + j * inner;
#pragma omp simd
      for (std::int64_t i = 0; i < inner; ++i) o[i] += r[i];
    }
  }
}

}  // namespace

void lrn_forward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                 const float* x, float* y, float* scale) {
  const Window win = window_of(p);
  const float alpha_over_size = p.alpha / static_cast<float>(p.size);
  const std::int64_t plane = channels * inner;
#pragma omp parallel
  {
    std::vector<float> squares(static_cast<std::size_t>(plane)), factor(static_cast<std::size_t>(inner));
#pragma omp for schedule(static)
    for (std::int64_t o = 0; o < outer; ++o) {
      const float* xo = x + o * plane;
      float* so = scale + o * plane;
      for (std::int64_t e = 0; e < plane; ++e) squares[static_cast<std::size_t>(e)] = xo[e] * xo[e];
      window_sums(squares.data(), channels, inner, win.before, win.after, so);
      for (std::int64_t c = 0; c < channels; ++c) {
        float* s = so + c * inner;
        for (std::int64_t i = 0; i < inner; ++i) s[i] = p.k + alpha_over_size * s[i];
        inverse_power(p, s, factor.data(), inner);
        const float* xc = xo + c * inner;
        float* yc = y + o * plane + c * inner;
        for (std::int64_t i = 0; i < inner; ++i) yc[i] = xc[i] * factor[static_cast<std::size_t>(i)];
      }
    }
  }
}

void lrn_backward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                  const float* x, const float* y, const float* scale, const float* dy, float* dx) {
  const Window win = window_of(p);
  const float coefficient = 2.0f * p.alpha * p.beta / static_cast<float>(p.size);
  const std::int64_t plane = channels * inner;
#pragma omp parallel
  {
    std::vector<float> ratio(static_cast<std::size_t>(plane)), sums(static_cast<std::size_t>(plane));
    std::vector<float> factor(static_cast<std::size_t>(inner));
#pragma omp for schedule(static)
    for (std::int64_t o = 0; o < outer; ++o) {
      const std::int64_t base = o * plane;
      for (std::int64_t e = 0; e < plane; ++e)
        ratio[static_cast<std::size_t>(e)] = dy[base + e] * y[base + e] / scale[base + e];
      // Channel c lies inside window(j) for j in [c - after, c + before]: the transposed window.
      window_sums(ratio.data(), channels, inner, win.after, win.before, sums.data());
      for (std::int64_t c = 0; c < channels; ++c) {
        const std::int64_t row = base + c * inner;
        inverse_power(p, scale + row, factor.data(), inner);
        const float* sum = sums.data() + c * inner;
        for (std::int64_t i = 0; i < inner; ++i)
          dx[row + i] += dy[row + i] * factor[static_cast<std::size_t>(i)] - coefficient * x[row + i] * sum[i];
      }
    }
  }
}

}  // namespace ldd::kernels::cpu
