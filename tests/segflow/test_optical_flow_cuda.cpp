// Optical flow on CUDA against the CPU twins: the same kernels in the same order, so the flows agree to
// float rounding.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/random.h"
#include "segflow/optical_flow.h"

using namespace ldd;

TEST_CASE("optical flow on CUDA matches the CPU") {
  std::vector<float> a(101 * 77), b(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double r = static_cast<double>(i / 77), c = static_cast<double>(i % 77);
    a[i] = static_cast<float>(0.5 + 0.2 * std::sin(0.2 * r) + 0.2 * std::sin(0.15 * c));
    b[i] = static_cast<float>(0.5 + 0.2 * std::sin(0.2 * (r + 1.2)) + 0.2 * std::sin(0.15 * (c - 2.1)));
  }
  const Tensor i0 = Tensor::from_vector({101, 77}, a), i1 = Tensor::from_vector({101, 77}, b);
  const auto cpu = segflow::estimate_flow(i0, i1);
  const auto gpu = segflow::estimate_flow(i0.to(Device::CUDA), i1.to(Device::CUDA));
  const auto cu = cpu.u.to_vector(), gu = gpu.u.to_vector(), cv = cpu.v.to_vector(), gv = gpu.v.to_vector();
  for (std::size_t i = 0; i < cu.size(); ++i) {
    CHECK(std::abs(cu[i] - gu[i]) < 1e-3);
    CHECK(std::abs(cv[i] - gv[i]) < 1e-3);
  }
}
