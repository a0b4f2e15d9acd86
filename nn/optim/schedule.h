// Learning-rate schedules as a factor of the base rate per step (or epoch: the caller chooses the unit).
#pragma once
#include <cstdint>
#include <functional>

namespace ldd {

class LearningRateSchedule {
 public:
  static LearningRateSchedule constant();
  // factor = gamma^(floor(step / step_size))
  static LearningRateSchedule step(std::int64_t step_size, double gamma);
  // Cosine annealing from 1 to min_factor over `total` steps, then min_factor.
  static LearningRateSchedule cosine(std::int64_t total, double min_factor = 0.0);
  // Linear warm-up over the first `warmup` steps (factor (s + 1) / warmup), then this schedule counted
  // from the end of the warm-up.
  LearningRateSchedule with_warmup(std::int64_t warmup) const;

  double factor(std::int64_t step) const { return factor_(step); }

 private:
  explicit LearningRateSchedule(std::function<double(std::int64_t)> f) : factor_(std::move(f)) {}
  std::function<double(std::int64_t)> factor_;
};

}  // namespace ldd
