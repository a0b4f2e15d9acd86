// Optical flow on synthetic warps: a smooth textured image and the same image moved by a known,
// spatially varying displacement; the estimated flow must match it (endpoint error bound stated below).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/optical_flow.h"
#include "segflow/optical_flow.h"

using namespace ldd;

namespace {

// A smooth texture: a few low-frequency waves, values in about [0.1, 0.9].
double texture(double r, double c) {
  return 0.5 + 0.12 * std::sin(0.21 * r + 0.4) + 0.12 * std::sin(0.17 * c + 1.1) + 0.08 * std::sin(0.11 * r + 0.13 * c) +
         0.06 * std::cos(0.29 * r - 0.23 * c + 0.7);
}

// The true displacement at (r, c): about 1.6 px along columns and -0.9 px along rows times `gain`, plus
// a smooth variation of up to 0.5 px times `variation`. (image1 is built as texture(y - d(y)), exact
// only for a constant d: a varying d adds an error of about |d| |grad d| to the ground truth itself.)
void displacement(double r, double c, double gain, double variation, double& u, double& v) {
  u = gain * 1.6 + variation * 0.5 * std::sin(r / 23.0);
  v = gain * -0.9 + variation * 0.4 * std::cos(c / 19.0);
}

struct Pair {
  Tensor image0, image1;
  std::vector<double> u, v;
};

Pair make_pair(std::int64_t rows, std::int64_t cols, double gain = 1.0, double variation = 1.0) {
  std::vector<float> a(static_cast<std::size_t>(rows * cols)), b(a.size());
  Pair p;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      double u, v;
      displacement(r, c, gain, variation, u, v);
      const auto i = static_cast<std::size_t>(r * cols + c);
      a[i] = static_cast<float>(texture(r, c));
      // image1 shows image0's point x at x + d(x): image1(y) = texture(y - d), d evaluated near y.
      b[i] = static_cast<float>(texture(r - v, c - u));
      p.u.push_back(u);
      p.v.push_back(v);
    }
  p.image0 = Tensor::from_vector({rows, cols}, a);
  p.image1 = Tensor::from_vector({rows, cols}, b);
  return p;
}

// Mean endpoint error over pixels at least `margin` from the border (where the flow is observable).
double mean_endpoint_error(const segflow::Flow& f, const Pair& p, std::int64_t rows, std::int64_t cols, std::int64_t margin) {
  const auto u = f.u.to_vector(), v = f.v.to_vector();
  double sum = 0;
  int n = 0;
  for (std::int64_t r = margin; r < rows - margin; ++r)
    for (std::int64_t c = margin; c < cols - margin; ++c) {
      const auto i = static_cast<std::size_t>(r * cols + c);
      sum += std::hypot(u[i] - p.u[i], v[i] - p.v[i]);
      ++n;
    }
  return sum / n;
}

}  // namespace

TEST_CASE("Horn-Schunck flow recovers a known smooth displacement within 0.2 px mean endpoint error") {
  const std::int64_t rows = 97, cols = 83;  // odd sizes: pyramid levels of uneven halves
  const Pair p = make_pair(rows, cols);
  const segflow::Flow flow = segflow::estimate_flow(p.image0, p.image1);
  const double epe = mean_endpoint_error(flow, p, rows, cols, 8);
  INFO("mean endpoint error " << epe << " px (displacement about 1.9 px)");
  CHECK(epe < 0.2);
  // Warping image1 by the flow brings it back onto image0.
  const auto back = segflow::warp(p.image1, flow).to_vector();
  const auto original = p.image0.to_vector();
  double error = 0;
  for (std::int64_t r = 8; r < rows - 8; ++r)
    for (std::int64_t c = 8; c < cols - 8; ++c)
      error = std::max(error, std::abs(static_cast<double>(back[static_cast<std::size_t>(r * cols + c)] -
                                                            original[static_cast<std::size_t>(r * cols + c)])));
  CHECK(error < 0.03);
}

TEST_CASE("coarse-to-fine flow follows a 5.5 px shift within 0.2 px") {
  const std::int64_t rows = 128, cols = 112;
  const Pair p = make_pair(rows, cols, 3.0, 0.0);
  const double epe = mean_endpoint_error(segflow::estimate_flow(p.image0, p.image1), p, rows, cols, 12);
  INFO("mean endpoint error " << epe << " px");
  CHECK(epe < 0.2);
}

TEST_CASE("a slice-sized frame pair: flow within 0.1 px") {
  // Large enough for the default pyramid to use all its levels (the small cases above stop early).
  const std::int64_t rows = 288, cols = 224;
  const Pair p = make_pair(rows, cols, 1.0, 0.0);
  const double epe = mean_endpoint_error(segflow::estimate_flow(p.image0, p.image1), p, rows, cols, 10);
  INFO("mean endpoint error " << epe << " px");
  CHECK(epe < 0.1);
}

TEST_CASE("identical images give zero flow") {
  const Pair p = make_pair(40, 33);
  const segflow::Flow flow = segflow::estimate_flow(p.image0, p.image0);
  for (float x : flow.u.to_vector()) CHECK(std::abs(x) < 1e-4);
  for (float x : flow.v.to_vector()) CHECK(std::abs(x) < 1e-4);
}

TEST_CASE("one Horn-Schunck step equals its float64 definition on random fields of odd sizes, borders included") {
  std::uint64_t state = 77;
  auto uniform = [&] { return static_cast<float>(((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 40) / 16777216.0) - 0.5f; };
  for (const kernels::Plane p : {kernels::Plane{1, 1}, kernels::Plane{1, 7}, kernels::Plane{5, 2}, kernels::Plane{13, 3}, kernels::Plane{37, 29}}) {
    const auto n = static_cast<std::size_t>(p.size());
    std::vector<float> ix(n), iy(n), it(n), u0(n), v0(n), u(n), v(n), u_next(n), v_next(n);
    for (auto* f : {&ix, &iy, &it, &u0, &v0, &u, &v})
      for (auto& x : *f) x = uniform();
    const float alpha2 = 0.0009f;
    kernels::horn_schunck_step(Device::CPU, p, alpha2, ix.data(), iy.data(), it.data(), u0.data(), v0.data(), u.data(), v.data(),
                               u_next.data(), v_next.data());
    for (std::int64_t r = 0; r < p.rows; ++r)
      for (std::int64_t c = 0; c < p.cols; ++c) {
        auto at = [&](const std::vector<float>& f, std::int64_t rr, std::int64_t cc) {
          return static_cast<double>(f[static_cast<std::size_t>(std::clamp<std::int64_t>(rr, 0, p.rows - 1) * p.cols + std::clamp<std::int64_t>(cc, 0, p.cols - 1))]);
        };
        auto mean = [&](const std::vector<float>& f) {
          return (at(f, r - 1, c) + at(f, r + 1, c) + at(f, r, c - 1) + at(f, r, c + 1)) / 6.0 +
                 (at(f, r - 1, c - 1) + at(f, r - 1, c + 1) + at(f, r + 1, c - 1) + at(f, r + 1, c + 1)) / 12.0;
        };
        const double gx = at(ix, r, c), gy = at(iy, r, c), ub = mean(u), vb = mean(v);
        const double residual = gx * (ub - at(u0, r, c)) + gy * (vb - at(v0, r, c)) + at(it, r, c);
        const double denominator = alpha2 + gx * gx + gy * gy;
        const auto i = static_cast<std::size_t>(r * p.cols + c);
        INFO(p.rows << " x " << p.cols << " at (" << r << ", " << c << ")");
        CHECK(u_next[i] == doctest::Approx(ub - gx * residual / denominator).epsilon(1e-4));
        CHECK(v_next[i] == doctest::Approx(vb - gy * residual / denominator).epsilon(1e-4));
      }
  }
}
