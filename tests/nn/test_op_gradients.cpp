// Every differentiable op against its float64 reference: forward values, gradients by central finite
// differences, and accumulation into pre-filled gradient buffers (tests/support/gradcheck.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "kernels/dropout.h"
#include "nn/ops.h"
#include "tests/support/gradcheck.h"

using namespace ldd;
using ldd::testing::check_gradients;
using ldd::testing::random_inputs;
namespace ref = ldd::reference;

namespace {

void check_binary(ref::Binary kind, const Shape& a, const Shape& b) {
  Generator gen(7);
  const Shape out = broadcast_shape("test", a, b);
  check_gradients(
      random_inputs({a, b}, gen),
      [kind](const std::vector<Tensor>& in) {
        return kind == ref::Binary::Add ? add(in[0], in[1]) : kind == ref::Binary::Sub ? sub(in[0], in[1]) : mul(in[0], in[1]);
      },
      [=](const std::vector<ref::Values>& x) { return ref::binary(kind, x[0], a, x[1], b, out); });
}

}  // namespace

TEST_CASE("add sub mul gradients with and without broadcasting" * doctest::test_suite("smoke")) {
  for (auto kind : {ref::Binary::Add, ref::Binary::Sub, ref::Binary::Mul}) {
    check_binary(kind, {3, 5}, {3, 5});
    check_binary(kind, {2, 3, 4, 5}, {3, 1, 1});  // per-channel bias / scale over (N, C, H, W)
    check_binary(kind, {3, 1, 1}, {2, 3, 4, 5});  // the broadcast operand first
    check_binary(kind, {1, 7}, {5, 1});           // both operands broadcast
    check_binary(kind, {2, 4, 1, 3, 2}, {4, 1, 2});
  }
}

TEST_CASE("relu gradient") {
  Generator gen(8);
  check_gradients(random_inputs({{3, 7, 5}}, gen), [](const auto& in) { return relu(in[0]); },
                  [](const auto& x) { return ref::relu(x[0]); });
}

TEST_CASE("matmul gradient") {
  Generator gen(9);
  check_gradients(random_inputs({{5, 7}, {7, 3}}, gen), [](const auto& in) { return matmul(in[0], in[1]); },
                  [](const auto& x) { return ref::matmul(x[0], x[1], 5, 7, 3); });
  check_gradients(random_inputs({{1, 9}, {9, 1}}, gen), [](const auto& in) { return matmul(in[0], in[1]); },
                  [](const auto& x) { return ref::matmul(x[0], x[1], 1, 9, 1); });
}

TEST_CASE("linear gradient with and without bias" * doctest::test_suite("smoke")) {
  Generator gen(10);
  check_gradients(random_inputs({{3, 11}, {5, 11}, {5}}, gen),
                  [](const auto& in) { return linear(in[0], in[1], in[2]); },
                  [](const auto& x) { return ref::linear(x[0], x[1], x[2], 3, 11, 5); });
  check_gradients(random_inputs({{1, 4}, {6, 4}}, gen), [](const auto& in) { return linear(in[0], in[1]); },
                  [](const auto& x) { return ref::linear(x[0], x[1], {}, 1, 4, 6); });
}

TEST_CASE("reshape and flatten pass gradients through") {
  Generator gen(11);
  auto weights = uniform({2, 15}, -1.0f, 1.0f, gen);
  const auto w = ldd::testing::to_double(weights);
  check_gradients(random_inputs({{2, 3, 5}}, gen), [&](const auto& in) { return mul(flatten(in[0]), weights); },
                  [&](const auto& x) { return ref::binary(ref::Binary::Mul, x[0], {2, 15}, w, {2, 15}, {2, 15}); });
  check_gradients(random_inputs({{2, 3, 5}}, gen), [&](const auto& in) { return mul(reshape(in[0], {-1, 15}), weights); },
                  [&](const auto& x) { return ref::binary(ref::Binary::Mul, x[0], {2, 15}, w, {2, 15}, {2, 15}); });
}

TEST_CASE("sum and mean gradients / whole tensor and over axes") {
  Generator gen(12);
  const Shape s{3, 4, 5};
  check_gradients(random_inputs({s}, gen), [](const auto& in) { return sum(in[0]); },
                  [&](const auto& x) { return ref::reduce(x[0], s, {true, true, true}, false); });
  check_gradients(random_inputs({s}, gen), [](const auto& in) { return mean(in[0]); },
                  [&](const auto& x) { return ref::reduce(x[0], s, {true, true, true}, true); });
  check_gradients(random_inputs({s}, gen), [](const auto& in) { return sum(in[0], {0, 2}); },
                  [&](const auto& x) { return ref::reduce(x[0], s, {true, false, true}, false); });
  check_gradients(random_inputs({s}, gen), [](const auto& in) { return mean(in[0], {-1}, true); },
                  [&](const auto& x) { return ref::reduce(x[0], s, {false, false, true}, true); });
}

TEST_CASE("conv2d gradient: strides / padding at borders / odd sizes / batch 1" * doctest::test_suite("smoke")) {
  struct Case {
    ref::Conv g;
    bool bias;
  };
  const Case cases[] = {
      {{2, 3, 7, 6, 4, 3, 2, 1, 1, 1, 0}, true},  // rectangular kernel, padding on H only
      {{1, 2, 9, 8, 3, 3, 3, 2, 2, 1, 1}, true},  // stride 2, padding at every border, batch 1
      {{3, 1, 5, 5, 2, 5, 5, 1, 1, 2, 2}, false},  // kernel as large as the input, no bias
      {{2, 5, 11, 7, 3, 7, 7, 2, 2, 0, 0}, true},  // conv1-like 7x7 / 2
      {{1, 3, 6, 7, 5, 5, 5, 2, 3, 1, 1}, true},  // conv2-like 5x5, unequal strides
      {{2, 2, 11, 12, 3, 3, 3, 1, 1, 1, 1}, true},  // 132 output pixels: the per-image GEMM path
  };
  Generator gen(13);
  for (const auto& [g, with_bias] : cases) {
    INFO("conv " << g.n << "x" << g.c << "x" << g.h << "x" << g.w << " -> " << g.oc << ", k " << g.kh << "x" << g.kw
                 << ", s " << g.sh << "x" << g.sw << ", p " << g.ph << "x" << g.pw);
    std::vector<Shape> shapes{{g.n, g.c, g.h, g.w}, {g.oc, g.c, g.kh, g.kw}};
    if (with_bias) shapes.push_back({g.oc});
    const Conv2dOptions options{.stride_h = g.sh, .stride_w = g.sw, .pad_h = g.ph, .pad_w = g.pw};
    check_gradients(
        random_inputs(shapes, gen),
        [&](const auto& in) { return conv2d(in[0], in[1], in.size() == 3 ? in[2] : Tensor(), options); },
        [&](const auto& x) { return ref::conv2d(x[0], x[1], x.size() == 3 ? x[2] : ref::Values{}, g); });
  }
}

TEST_CASE("max_pool2d gradient: stride / padding / ceil mode") {
  const ref::Pool cases[] = {
      {2, 3, 7, 9, 3, 3, 2, 2, 0, 0, false},  // VGG-M's 3/2 on odd sizes
      {1, 2, 8, 8, 3, 3, 2, 2, 0, 0, true},   // ceil mode adds a partial window
      {2, 2, 7, 6, 3, 2, 2, 1, 1, 1, false},  // padding (never chosen) and rectangular windows
      {1, 3, 5, 5, 2, 2, 2, 2, 1, 1, true},   // ceil mode with padding: the last window is dropped
      {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, false},  // a single pixel
  };
  Generator gen(14);
  for (const auto& g : cases) {
    INFO("pool " << g.n << "x" << g.c << "x" << g.h << "x" << g.w << ", k " << g.kh << "x" << g.kw << ", s " << g.sh
                 << "x" << g.sw << ", p " << g.ph << "x" << g.pw << ", ceil " << g.ceil_mode);
    const MaxPool2dOptions o{.kernel_h = g.kh, .kernel_w = g.kw, .stride_h = g.sh, .stride_w = g.sw,
                             .pad_h = g.ph, .pad_w = g.pw, .ceil_mode = g.ceil_mode};
    const Tensor probe = max_pool2d(Tensor::zeros({g.n, g.c, g.h, g.w}), o);
    CHECK(probe.size(2) == ref::pool_out_size(g.h, g.kh, g.sh, g.ph, g.ceil_mode));
    CHECK(probe.size(3) == ref::pool_out_size(g.w, g.kw, g.sw, g.pw, g.ceil_mode));
    check_gradients(random_inputs({{g.n, g.c, g.h, g.w}}, gen), [&](const auto& in) { return max_pool2d(in[0], o); },
                    [&](const auto& x) { return ref::max_pool2d(x[0], g); });
  }
}

TEST_CASE("local response norm gradient / VGG-M's parameters and others" * doctest::test_suite("smoke")) {
  struct Case {
    Shape shape;
    LrnOptions p;
  };
  const Case cases[] = {
      {{2, 7, 3, 4}, {.size = 5, .alpha = 5e-4f, .beta = 0.75f, .k = 2.0f}},  // VGG-M
      {{1, 6, 5}, {.size = 4, .alpha = 0.8f, .beta = 0.6f, .k = 1.0f}},        // even window, strong effect
      {{3, 3, 2, 2}, {.size = 7, .alpha = 1.5f, .beta = 0.9f, .k = 0.5f}},     // window wider than channels
      {{2, 9}, {.size = 3, .alpha = 1.0f, .beta = 0.75f, .k = 1.0f}},          // no spatial axes
  };
  Generator gen(15);
  for (const auto& [shape, p] : cases) {
    INFO("lrn on " << shape << " size " << p.size);
    const std::int64_t outer = shape[0], channels = shape[1], inner = shape.numel() / (outer * channels);
    check_gradients(random_inputs({shape}, gen), [&](const auto& in) { return local_response_norm(in[0], p); },
                    [&](const auto& x) { return ref::lrn(x[0], outer, channels, inner, p.size, p.alpha, p.beta, p.k); });
  }
}

TEST_CASE("dropout gradient follows the same mask and evaluation is the identity") {
  Generator gen(16);
  const float p = 0.4f;
  Generator op_gen(99);
  Generator mask_gen = op_gen;  // draws the same seed the op will draw
  const std::uint64_t seed = mask_gen.next_u64();
  // One generator call per forward: reset the op's generator before each call check_gradients makes.
  check_gradients(
      random_inputs({{3, 5, 7}}, gen),
      [&](const auto& in) {
        Generator g(99);
        return dropout(in[0], p, true, g);
      },
      [&](const auto& x) {
        ref::Values y(x[0].size());
        for (std::size_t i = 0; i < y.size(); ++i)
          y[i] = kernels::dropout_uniform(seed, i) >= p ? x[0][i] / (1.0 - p) : 0.0;
        return y;
      });
  const Tensor x = uniform({4, 9}, -1.0f, 1.0f, gen);
  CHECK(dropout(x, p, false).to_vector() == x.to_vector());
  // About p of a large tensor is dropped.
  const auto dropped = dropout(Tensor::full({100000}, 1.0f), p, true, op_gen).to_vector();
  const auto zeros = std::count(dropped.begin(), dropped.end(), 0.0f);
  CHECK(std::abs(static_cast<double>(zeros) / 100000.0 - p) < 0.01);
}

TEST_CASE("log_softmax gradient") {
  Generator gen(17);
  check_gradients(random_inputs({{4, 5}}, gen), [](const auto& in) { return log_softmax(in[0]); },
                  [](const auto& x) { return ref::log_softmax(x[0], 4, 5); });
  check_gradients(random_inputs({{2, 3, 7}}, gen), [](const auto& in) { return log_softmax(in[0]); },
                  [](const auto& x) { return ref::log_softmax(x[0], 6, 7); });
}

TEST_CASE("cross_entropy gradient with class weights and an ignore label" * doctest::test_suite("smoke")) {
  Generator gen(18);
  const std::vector<int> targets{0, 3, -1, 4, 1, 3, -1};
  const CrossEntropyOptions weighted{.class_weights = {0.5f, 2.0f, 1.0f, 3.0f, 0.25f}, .ignore_index = -1};
  check_gradients(random_inputs({{7, 5}}, gen), [&](const auto& in) { return cross_entropy(in[0], targets, weighted); },
                  [&](const auto& x) { return ref::Values{ref::cross_entropy(x[0], 7, 5, targets, weighted.class_weights, -1)}; });
  const std::vector<int> plain{2, 0, 1};
  check_gradients(random_inputs({{3, 4}}, gen), [&](const auto& in) { return cross_entropy(in[0], plain); },
                  [&](const auto& x) { return ref::Values{ref::cross_entropy(x[0], 3, 4, plain, {}, -100)}; });
}

TEST_CASE("focal_loss gradient against finite differences and cross_entropy at gamma 0") {
  Generator gen(19);
  const std::vector<int> targets{0, 3, 2, 4, 1, 3, 0};
  const std::vector<float> weights{0.5f, 2.0f, 1.0f, 3.0f, 0.25f};
  for (double gamma : {0.5, 2.0}) {
    check_gradients(random_inputs({{7, 5}}, gen), [&](const auto& in) { return focal_loss(in[0], targets, gamma, weights); },
                    [&](const auto& x) { return ref::Values{ref::focal_loss(x[0], 7, 5, targets, weights, gamma)}; });
  }
  const Tensor logits = normal({7, 5}, 0.0f, 2.0f, gen);
  CHECK(focal_loss(logits, targets, 0.0, weights).item() ==
        doctest::Approx(cross_entropy(logits, targets, {.class_weights = weights}).item()).epsilon(1e-5));
  // Confident right answers weigh less than under cross-entropy.
  CHECK(focal_loss(logits, targets, 2.0).item() < cross_entropy(logits, targets).item());
}

TEST_CASE("cross_entropy of extreme logits stays finite") {
  const Tensor logits = Tensor::from_vector({2, 3}, std::vector<float>{1000.0f, -1000.0f, 0.0f, -80.0f, 90.0f, 85.0f})
                            .set_requires_grad();
  const Tensor loss = cross_entropy(logits, {0, 2});
  CHECK(std::isfinite(loss.item()));
  CHECK(loss.item() == doctest::Approx(ref::cross_entropy({1000, -1000, 0, -80, 90, 85}, 2, 3, {0, 2}, {}, -100)).epsilon(1e-5));
  loss.backward();
  for (float g : logits.grad().to_vector()) CHECK(std::isfinite(g));
}

TEST_CASE("upsample_nearest and concat_channels gradients") {
  Generator gen(19);
  check_gradients(random_inputs({{2, 3, 4, 5}}, gen), [](const auto& in) { return upsample_nearest(in[0], 3); },
                  [](const auto& x) {
                    ref::Values y;
                    for (int p = 0; p < 6; ++p)
                      for (int r = 0; r < 12; ++r)
                        for (int c = 0; c < 15; ++c) y.push_back(x[0][static_cast<std::size_t>((p * 4 + r / 3) * 5 + c / 3)]);
                    return y;
                  });
  check_gradients(random_inputs({{2, 3, 3, 4}, {2, 2, 3, 4}}, gen), [](const auto& in) { return concat_channels(in[0], in[1]); },
                  [](const auto& x) {
                    ref::Values y;
                    for (int n = 0; n < 2; ++n) {
                      y.insert(y.end(), x[0].begin() + n * 36, x[0].begin() + (n + 1) * 36);
                      y.insert(y.end(), x[1].begin() + n * 24, x[1].begin() + (n + 1) * 24);
                    }
                    return y;
                  });
}

TEST_CASE("binary cross-entropy with an ignore label: value and gradient") {
  Generator gen(20);
  const std::vector<std::uint8_t> targets{1, 0, 255, 1, 0, 0, 255, 1, 1, 0, 0, 1};
  check_gradients(random_inputs({{2, 1, 2, 3}}, gen), [&](const auto& in) { return binary_cross_entropy_with_logits(in[0], targets); },
                  [&](const auto& x) {
                    double loss = 0;
                    int n = 0;
                    for (std::size_t i = 0; i < targets.size(); ++i) {
                      if (targets[i] == 255) continue;
                      const double p = 1 / (1 + std::exp(-x[0][i]));
                      loss -= targets[i] ? std::log(p) : std::log(1 - p);
                      ++n;
                    }
                    return ref::Values{loss / n};
                  });
}
