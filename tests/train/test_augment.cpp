// Crop augmentation: switched off it is the identity; a flip reverses the slices; a rotation of a linear
// ramp is the analytically rotated ramp (bilinear interpolation is exact on linear functions) away
// from the clamped border; gain and offset stay within the configured jitter.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "train/augment.h"

using namespace ldd;

namespace {

constexpr std::int64_t S = 3, R = 31, C = 27;  // odd sizes

std::vector<float> random_crop(Generator& gen) {
  std::vector<float> v(S * R * C);
  for (float& x : v) x = static_cast<float>(gen.normal());
  return v;
}

}  // namespace

TEST_CASE("augmentation switched off is the identity / a flip reverses the slice order") {
  Generator gen(1);
  const auto in = random_crop(gen);
  std::vector<float> out(in.size());
  train::augment_crop(in.data(), out.data(), S, R, C, {.flip = false, .rotation_deg = 0, .intensity_jitter = 0}, gen);
  CHECK(out == in);
  int flipped = 0;
  for (int trial = 0; trial < 20; ++trial) {
    train::augment_crop(in.data(), out.data(), S, R, C, {.flip = true, .rotation_deg = 0, .intensity_jitter = 0}, gen);
    if (out == in) continue;
    ++flipped;
    for (std::int64_t s = 0; s < S; ++s)
      for (std::int64_t i = 0; i < R * C; ++i) REQUIRE(out[s * R * C + i] == in[(S - 1 - s) * R * C + i]);
  }
  CHECK(flipped > 3);
  CHECK(flipped < 17);
}

TEST_CASE("a rotation turns a linear ramp into the rotated ramp") {
  std::vector<float> ramp(S * R * C);
  const double cy = (R - 1) / 2.0, cx = (C - 1) / 2.0, a = 0.7, b = -0.3;
  for (std::int64_t s = 0; s < S; ++s)
    for (std::int64_t r = 0; r < R; ++r)
      for (std::int64_t c = 0; c < C; ++c) ramp[(s * R + r) * C + c] = static_cast<float>(a * (r - cy) + b * (c - cx));
  Generator gen(2);
  std::vector<float> out(ramp.size());
  for (int trial = 0; trial < 5; ++trial) {
    Generator probe = gen;  // the angle is the second draw: replay it
    probe.uniform();
    const double angle = (2.0 * probe.uniform() - 1.0) * 20.0 * std::numbers::pi / 180.0;
    train::augment_crop(ramp.data(), out.data(), S, R, C, {.flip = false, .rotation_deg = 20, .intensity_jitter = 0}, gen);
    for (std::int64_t r = 8; r < R - 8; ++r)
      for (std::int64_t c = 8; c < C - 8; ++c) {
        const double dy = r - cy, dx = c - cx;
        const double y = std::cos(angle) * dy + std::sin(angle) * dx, x = -std::sin(angle) * dy + std::cos(angle) * dx;
        REQUIRE(out[(R + r) * C + c] == doctest::Approx(a * y + b * x).epsilon(1e-4).scale(1.0));
      }
  }
}

TEST_CASE("intensity jitter stays within its bounds") {
  std::vector<float> ones(S * R * C, 1.0f), out(ones.size());
  Generator gen(3);
  for (int trial = 0; trial < 50; ++trial) {
    train::augment_crop(ones.data(), out.data(), S, R, C, {.flip = false, .rotation_deg = 0, .intensity_jitter = 0.1}, gen);
    CHECK(out[0] >= 0.8f - 1e-6f);  // gain 1 - 0.1, offset -0.1
    CHECK(out[0] <= 1.2f + 1e-6f);
    CHECK(out.back() == out[0]);
  }
}
