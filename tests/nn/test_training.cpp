// The training engine: VGG-M's construction, optimizers against hand-written reference updates,
// schedules, clipping, train/eval mode, and bit-identical training from the same seed.
#include <doctest/doctest.h>

#include <cmath>

#include "base/check.h"
#include "nn/models/vggm.h"
#include "nn/ops.h"
#include "nn/optim/adam.h"
#include "nn/optim/clip.h"
#include "nn/optim/schedule.h"
#include "nn/optim/sgd.h"

using namespace ldd;

namespace {

VggMConfig small_config() {
  VggMConfig c;
  c.in_channels = 2;
  c.height = 64;
  c.width = 70;
  c.classes = 3;
  c.conv_channels = {6, 8, 8, 8, 8};
  c.fc_width = 16;
  return c;
}

// Trains a small VGG-M (dropout active) for `steps` SGD steps on fixed random data; returns all weights.
std::vector<float> train_small(std::uint64_t seed, int steps) {
  manual_seed(seed);
  Generator init(seed);
  VggM model(small_config(), InitScheme::Kaiming, init);
  Generator data(seed + 1);
  const Tensor x = uniform({4, 2, 64, 70}, -1.0f, 1.0f, data);
  Sgd sgd(model.named_parameters(), {.learning_rate = 0.01, .momentum = 0.9, .weight_decay = 5e-4, .nesterov = true});
  for (int s = 0; s < steps; ++s) {
    sgd.zero_grad();
    cross_entropy(model(x), {0, 2, 1, 2}).backward();
    sgd.step();
  }
  std::vector<float> all;
  for (auto& p : model.parameters()) {
    const auto v = p.to_vector();
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

}  // namespace

TEST_CASE("VGG-M has the paper's layers / names / shapes for 9x112x112 and 1x64x64 inputs") {
  Generator gen(3);
  VggMConfig config;  // the default: 9 x 112 x 112, the paper's widths
  VggM model(config, InitScheme::Gaussian, gen);
  const auto params = model.named_parameters();
  REQUIRE(params.size() == 16);
  CHECK(params[0].first == "conv1.weight");
  CHECK(params[0].second.shape() == Shape{96, 9, 7, 7});
  CHECK(params[2].second.shape() == Shape{256, 96, 5, 5});
  CHECK(model.feature_shape() == std::array<std::int64_t, 3>{512, 3, 3});
  CHECK(params[10].first == "fc6.weight");
  CHECK(params[10].second.shape() == Shape{4096, 512 * 3 * 3});
  CHECK(params[15].second.shape() == Shape{5});
  // Gaussian initialisation: weights ~ N(0, 0.01^2), biases 0.
  const auto w = params[0].second.to_vector();
  double sq = 0.0;
  for (float v : w) sq += static_cast<double>(v) * v;
  CHECK(std::sqrt(sq / static_cast<double>(w.size())) == doctest::Approx(0.01).epsilon(0.05));
  for (float b : params[1].second.to_vector()) CHECK(b == 0.0f);

  VggMConfig tiny = config;
  tiny.in_channels = 1;
  tiny.height = tiny.width = 64;
  tiny.fc_width = 32;
  VggM small(tiny, InitScheme::Kaiming, gen);
  CHECK(small.feature_shape() == std::array<std::int64_t, 3>{512, 1, 1});
  NoGrad no_grad;
  CHECK(small(Tensor::zeros({2, 1, 64, 64})).shape() == Shape{2, 5});

  tiny.height = tiny.width = 48;
  CHECK_THROWS_WITH_AS(VggM(tiny, InitScheme::Kaiming, gen), doctest::Contains("too small"), Error);
}

TEST_CASE("train and eval modes switch dropout for the whole model") {
  Generator gen(4);
  auto config = small_config();
  VggM model(config, InitScheme::Kaiming, gen);
  const Tensor x = uniform({2, 2, 64, 70}, -1.0f, 1.0f, gen);
  NoGrad no_grad;
  model.eval();
  CHECK(model(x).to_vector() == model(x).to_vector());  // no dropout: repeatable
  model.train();
  CHECK(model(x).to_vector() != model(x).to_vector());  // fresh masks each call
}

TEST_CASE("the same seed gives bit-identical weights after several training steps" * doctest::test_suite("smoke")) {
  const auto a = train_small(11, 3), b = train_small(11, 3);
  CHECK(a == b);
  CHECK(train_small(12, 3) != a);
}

TEST_CASE("SGD / Nesterov / Adam and AdamW follow PyTorch's update rules") {
  const std::vector<float> p0{0.5f, -1.0f, 2.0f}, g0{0.1f, -0.3f, 0.7f};
  auto run = [&](auto make, int steps) {
    Tensor p = Tensor::from_vector({3}, p0).set_requires_grad();
    auto opt = make(NamedTensors{{"p", p}});
    for (int s = 0; s < steps; ++s) {
      p.set_grad(Tensor::from_vector({3}, g0));
      opt.step();
    }
    return p.to_vector();
  };
  const double lr = 0.1, mu = 0.9, wd = 0.01;
  for (bool nesterov : {false, true}) {
    const auto got = run([&](NamedTensors ps) { return Sgd(ps, {.learning_rate = lr, .momentum = mu, .weight_decay = wd,
                                                                .nesterov = nesterov}); }, 3);
    for (std::size_t i = 0; i < 3; ++i) {
      double p = p0[i], buf = 0.0;
      for (int s = 0; s < 3; ++s) {
        double g = g0[i] + wd * p;
        buf = s == 0 ? g : mu * buf + g;
        p -= lr * (nesterov ? g + mu * buf : buf);
      }
      CHECK(got[i] == doctest::Approx(p).epsilon(1e-6));
    }
  }
  for (bool decoupled : {false, true}) {
    const auto got = run([&](NamedTensors ps) {
      return Adam(ps, {.learning_rate = lr, .weight_decay = wd, .decoupled_weight_decay = decoupled});
    }, 4);
    for (std::size_t i = 0; i < 3; ++i) {
      double p = p0[i], m = 0.0, v = 0.0;
      for (int t = 1; t <= 4; ++t) {
        double g = g0[i] + (decoupled ? 0.0 : wd * p);
        if (decoupled) p *= 1.0 - lr * wd;
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        const double m_hat = m / (1.0 - std::pow(0.9, t)), v_hat = v / (1.0 - std::pow(0.999, t));
        p -= lr * m_hat / (std::sqrt(v_hat) + 1e-8);
      }
      CHECK(got[i] == doctest::Approx(p).epsilon(1e-5));
    }
  }
}

TEST_CASE("learning-rate schedules: step / cosine / warm-up") {
  const auto step = LearningRateSchedule::step(10, 0.1);
  CHECK(step.factor(0) == 1.0);
  CHECK(step.factor(9) == 1.0);
  CHECK(step.factor(10) == doctest::Approx(0.1));
  CHECK(step.factor(25) == doctest::Approx(0.01));
  const auto cosine = LearningRateSchedule::cosine(100, 0.1);
  CHECK(cosine.factor(0) == doctest::Approx(1.0));
  CHECK(cosine.factor(50) == doctest::Approx(0.55));
  CHECK(cosine.factor(100) == doctest::Approx(0.1));
  CHECK(cosine.factor(500) == doctest::Approx(0.1));
  const auto warm = LearningRateSchedule::cosine(10).with_warmup(4);
  CHECK(warm.factor(0) == doctest::Approx(0.25));
  CHECK(warm.factor(3) == doctest::Approx(1.0));
  CHECK(warm.factor(4) == doctest::Approx(1.0));
  CHECK(warm.factor(9) == doctest::Approx(0.5));
  CHECK_THROWS_AS(LearningRateSchedule::step(0, 0.1), Error);
}

TEST_CASE("gradient clipping by global norm") {
  Tensor a = Tensor::from_vector({2}, std::vector<float>{3, 0}).set_requires_grad();
  Tensor b = Tensor::from_vector({1}, std::vector<float>{4}).set_requires_grad();
  a.set_grad(Tensor::from_vector({2}, std::vector<float>{3, 0}));
  b.set_grad(Tensor::from_vector({1}, std::vector<float>{4}));
  CHECK(clip_grad_norm({a, b}, 10.0) == doctest::Approx(5.0));
  CHECK(a.grad().to_vector()[0] == 3.0f);  // under the limit: untouched
  CHECK(clip_grad_norm({a, b}, 1.0) == doctest::Approx(5.0));
  CHECK(a.grad().to_vector()[0] == doctest::Approx(0.6).epsilon(1e-5));
  CHECK(b.grad().to_vector()[0] == doctest::Approx(0.8).epsilon(1e-5));
}
