// Helpers of the GPU-vs-CPU twin tests: run the same computation on both devices and compare.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace ldd::test {

// |gpu - cpu| <= tolerance * (1 + |cpu|) element by element; tolerance 0 demands identical floats.
inline void check_close(const std::vector<float>& gpu, const std::vector<float>& cpu, double tolerance, const std::string& what) {
  REQUIRE_MESSAGE(gpu.size() == cpu.size(), what << ": " << gpu.size() << " GPU values, " << cpu.size() << " CPU values");
  std::size_t bad = 0, worst = 0;
  double worst_error = 0.0;
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    const double error = std::abs(static_cast<double>(gpu[i]) - cpu[i]) / (1.0 + std::abs(static_cast<double>(cpu[i])));
    if (!(error <= tolerance)) ++bad;  // NaN counts as bad
    if (!(error <= worst_error)) worst_error = error, worst = i;
  }
  INFO(what << ": " << bad << " of " << gpu.size() << " values outside " << tolerance << "; worst at " << worst
            << " (gpu " << gpu[worst] << ", cpu " << cpu[worst] << ", scaled error " << worst_error << ")");
  CHECK(bad == 0);
}

}  // namespace ldd::test
