// Mean and variance of a buffer, summed in double in order (so the same values give the same bits):
// what per-crop and per-volume standardisation share.
#pragma once
#include <algorithm>
#include <cstdint>

namespace ldd {

struct Moments {
  double mean = 0, variance = 0;  // population variance, never negative
};

inline Moments moments(const float* x, std::int64_t n) {
  double sum = 0, sum2 = 0;
  for (std::int64_t i = 0; i < n; ++i) sum += x[i], sum2 += static_cast<double>(x[i]) * x[i];
  const double mean = sum / static_cast<double>(n);
  return {mean, std::max(0.0, sum2 / static_cast<double>(n) - mean * mean)};
}

}  // namespace ldd
