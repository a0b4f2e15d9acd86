// Wall time for progress bars, timings and reports: seconds on a monotonic clock (differences only).
#pragma once

namespace ldd {

double monotonic_seconds();

}  // namespace ldd
