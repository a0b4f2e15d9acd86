// Oriented crop + resize against a naive float64 reference (every voxel weighted by the trilinear tent
// max(0, 1 - |d|) per axis: no floor, no bounds logic), on random rotated boxes of odd sizes, some of them
// leaving the volume; the backward as the exact adjoint that accumulates; an identity box; the op's
// gradient by finite differences.
#include <doctest/doctest.h>

#include <cmath>

#include "kernels/crop_resize.h"
#include "nn/ops.h"
#include "tests/support/gradcheck.h"

using namespace ldd;
using kernels::CropGeometry;

namespace {

std::vector<double> reference_crop(const CropGeometry& g, const std::vector<double>& volume, const std::vector<OrientedBox>& boxes) {
  std::vector<double> out;
  for (const auto& b : boxes)
    for (std::int64_t s = 0; s < g.out_slices; ++s)
      for (std::int64_t r = 0; r < g.out_rows; ++r)
        for (std::int64_t c = 0; c < g.out_cols; ++c) {
          const double f[3] = {(s + 0.5) / g.out_slices, (r + 0.5) / g.out_rows, (c + 0.5) / g.out_cols};
          double p[3];
          for (int a = 0; a < 3; ++a) p[a] = b.corner[a] + f[0] * b.axes[0][a] + f[1] * b.axes[1][a] + f[2] * b.axes[2][a];
          double sum = 0;
          for (std::int64_t z = 0; z < g.depth; ++z)
            for (std::int64_t y = 0; y < g.height; ++y)
              for (std::int64_t x = 0; x < g.width; ++x) {
                const double w = std::max(0.0, 1 - std::abs(p[0] - z)) * std::max(0.0, 1 - std::abs(p[1] - y)) *
                                 std::max(0.0, 1 - std::abs(p[2] - x));
                sum += w * volume[static_cast<std::size_t>((z * g.height + y) * g.width + x)];
              }
          out.push_back(sum);
        }
  return out;
}

// A box rotated by `angle` in the (row, col) plane around `centre`, of size (depth, height, width) voxels.
OrientedBox rotated_box(std::array<double, 3> centre, std::array<double, 3> size, double angle) {
  OrientedBox b;
  const double ca = std::cos(angle), sa = std::sin(angle);
  const double axes[3][3] = {{size[0], 0, 0}, {0, size[1] * ca, size[1] * sa}, {0, -size[2] * sa, size[2] * ca}};
  for (int a = 0; a < 3; ++a) {
    for (int k = 0; k < 3; ++k) b.axes[a][k] = static_cast<float>(axes[a][k]);
    b.corner[a] = static_cast<float>(centre[static_cast<std::size_t>(a)] - 0.5 * (axes[0][a] + axes[1][a] + axes[2][a]));
  }
  return b;
}

std::vector<OrientedBox> random_boxes(Generator& gen, const CropGeometry& g, int n) {
  std::vector<OrientedBox> boxes;
  for (int i = 0; i < n; ++i) {
    // Centres up to 3 voxels beyond the volume, so some boxes leave it (zero padding).
    const std::array<double, 3> centre{gen.uniform() * (g.depth + 2) - 1, gen.uniform() * (g.height + 6) - 3,
                                       gen.uniform() * (g.width + 6) - 3};
    const std::array<double, 3> size{1 + gen.uniform() * 3, 2 + gen.uniform() * 6, 2 + gen.uniform() * 7};
    boxes.push_back(rotated_box(centre, size, (gen.uniform() - 0.5) * 1.2));
  }
  return boxes;
}

}  // namespace

TEST_CASE("crop_resize matches the tent-function reference on random rotated boxes" * doctest::test_suite("smoke")) {
  Generator gen(51);
  const CropGeometry g{5, 9, 11, 3, 7, 5, 6};
  const auto boxes = random_boxes(gen, g, 6);
  const Tensor volume = uniform({5, 9, 11}, -1.0f, 1.0f, gen);
  const auto expected = reference_crop(g, ldd::testing::to_double(volume), boxes);
  const auto got = crop_resize(volume, boxes, 3, 7, 5).to_vector();
  REQUIRE(got.size() == expected.size());
  int outside = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(std::abs(got[i] - expected[i]) <= 1e-5 * (1 + std::abs(expected[i])));
    outside += expected[i] == 0.0;
  }
  CHECK(outside > 0);  // the random boxes did reach outside the volume
}

TEST_CASE("an axis-aligned box over the whole volume at its own size reproduces it") {
  Generator gen(52);
  const Tensor volume = uniform({3, 6, 5}, 0.0f, 1.0f, gen);
  OrientedBox whole;
  for (int a = 0; a < 3; ++a) whole.corner[a] = -0.5f;
  whole.axes[0][0] = 3;
  whole.axes[1][1] = 6;
  whole.axes[2][2] = 5;
  const auto out = crop_resize(volume, {whole}, 3, 6, 5).to_vector();
  const auto in = volume.to_vector();
  for (std::size_t i = 0; i < in.size(); ++i) CHECK(out[i] == doctest::Approx(in[i]).epsilon(1e-6));
}

TEST_CASE("crop_resize backward is the adjoint of forward and accumulates") {
  Generator gen(53);
  const CropGeometry g{4, 8, 7, 2, 5, 6, 5};
  const auto boxes = random_boxes(gen, g, 5);
  std::vector<float> v(4 * 8 * 7), dout(5 * 2 * 5 * 6), out(dout.size()), dv(v.size(), 0.5f);
  for (auto& x : v) x = static_cast<float>(gen.uniform() - 0.5);
  for (auto& x : dout) x = static_cast<float>(gen.uniform() - 0.5);
  kernels::crop_resize_forward(Device::CPU, g, v.data(), boxes.data(), out.data());
  kernels::crop_resize_backward(Device::CPU, g, dout.data(), boxes.data(), dv.data());
  double lhs = 0, rhs = 0;
  for (std::size_t i = 0; i < out.size(); ++i) lhs += static_cast<double>(out[i]) * dout[i];
  for (std::size_t i = 0; i < v.size(); ++i) rhs += static_cast<double>(v[i]) * (dv[i] - 0.5);
  CHECK(lhs == doctest::Approx(rhs).epsilon(1e-5));
}

TEST_CASE("crop_resize gradient with respect to the volume") {
  Generator gen(54);
  const CropGeometry g{3, 6, 7, 2, 3, 4, 3};
  const auto boxes = random_boxes(gen, g, 3);
  ldd::testing::check_gradients(
      ldd::testing::random_inputs({{3, 6, 7}}, gen), [&](const auto& in) { return crop_resize(in[0], boxes, 2, 3, 4); },
      [&](const auto& x) { return reference_crop(g, x[0], boxes); });
}
