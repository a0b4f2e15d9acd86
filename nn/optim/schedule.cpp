#include "nn/optim/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "base/check.h"

namespace ldd {

LearningRateSchedule LearningRateSchedule::constant() {
  return LearningRateSchedule([](std::int64_t) { return 1.0; });
}

LearningRateSchedule LearningRateSchedule::step(std::int64_t step_size, double gamma) {
  LDD_CHECK(step_size >= 1 && gamma > 0.0, "step schedule: needs step_size >= 1 and gamma > 0, got "
                                               << step_size << " and " << gamma);
  return LearningRateSchedule(
      [=](std::int64_t s) { return std::pow(gamma, static_cast<double>(std::max<std::int64_t>(s, 0) / step_size)); });
}

LearningRateSchedule LearningRateSchedule::cosine(std::int64_t total, double min_factor) {
  LDD_CHECK(total >= 1 && min_factor >= 0.0 && min_factor <= 1.0,
            "cosine schedule: needs total >= 1 and min_factor in [0, 1], got " << total << " and " << min_factor);
  return LearningRateSchedule([=](std::int64_t s) {
    const double t = std::clamp(static_cast<double>(s) / static_cast<double>(total), 0.0, 1.0);
    return min_factor + (1.0 - min_factor) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
  });
}

LearningRateSchedule LearningRateSchedule::with_warmup(std::int64_t warmup) const {
  LDD_CHECK(warmup >= 0, "warm-up length must be >= 0, got " << warmup);
  auto after = factor_;
  return LearningRateSchedule([=](std::int64_t s) {
    if (s < warmup) return static_cast<double>(s + 1) / static_cast<double>(warmup);
    return after(s - warmup);
  });
}

}  // namespace ldd
