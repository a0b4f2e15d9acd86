// The cumulative-link head against a float64 reference (values and finite-difference gradients), its
// probabilities, and the disc grader's side input.
#include <doctest/doctest.h>

#include <cmath>

#include "base/check.h"
#include "nn/models/disc_grader.h"
#include "nn/ops.h"
#include "tests/support/gradcheck.h"

using namespace ldd;
using ldd::testing::check_gradients;
using ldd::testing::random_inputs;
namespace ref = ldd::reference;

namespace {

// log P(grade = k) from the definition: F_k = sigmoid(theta_k - s), P_k = F_k - F_{k-1}.
ref::Values reference_log_probs(const ref::Values& score, const ref::Values& raw) {
  const std::size_t cuts = raw.size(), grades = cuts + 1;
  std::vector<double> theta(cuts);
  for (std::size_t j = 0; j < cuts; ++j) theta[j] = j == 0 ? raw[0] : theta[j - 1] + std::log1p(std::exp(raw[j]));
  ref::Values out;
  for (double s : score) {
    double below = 0.0;
    for (std::size_t k = 0; k < grades; ++k) {
      const double cumulative = k < cuts ? 1.0 / (1.0 + std::exp(-(theta[k] - s))) : 1.0;
      out.push_back(std::log(cumulative - below));
      below = cumulative;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("cumulative-link log-probabilities: values and gradients against float64, odd sizes" * doctest::test_suite("smoke")) {
  Generator gen(31);
  for (auto [rows, cuts] : {std::pair<std::int64_t, std::int64_t>{7, 4}, {1, 1}, {5, 2}, {3, 3}}) {
    CAPTURE(rows);
    CAPTURE(cuts);
    check_gradients(random_inputs({{rows, 1}, {cuts}}, gen),
                    [](const std::vector<Tensor>& in) { return cumulative_link_log_probs(in[0], in[1]); },
                    [](const std::vector<ref::Values>& x) { return reference_log_probs(x[0], x[1]); });
  }
}

TEST_CASE("cumulative-link probabilities sum to one and a higher score moves them to higher grades") {
  const Tensor raw = Tensor::from_vector({4}, std::vector<float>{-1.0f, 0.3f, -2.0f, 1.5f});  // any raw values: ordered cut-points
  const Tensor score = Tensor::from_vector({3, 1}, std::vector<float>{-3.0f, 0.0f, 3.0f});
  const auto logp = cumulative_link_log_probs(score, raw).to_vector();
  std::vector<double> mean_grade;
  for (int i = 0; i < 3; ++i) {
    double total = 0, mean = 0;
    for (int k = 0; k < 5; ++k) {
      const double p = std::exp(logp[static_cast<std::size_t>(i * 5 + k)]);
      CHECK(p > 0.0);
      total += p;
      mean += k * p;
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-5));
    mean_grade.push_back(mean);
  }
  CHECK(mean_grade[0] < mean_grade[1]);
  CHECK(mean_grade[1] < mean_grade[2]);
  // A score far above every cut-point puts the mass on the top grade with log P finite.
  const auto extreme = cumulative_link_log_probs(Tensor::from_vector({1, 1}, std::vector<float>{80.0f}), raw).to_vector();
  for (float v : extreme) CHECK(std::isfinite(v));
  CHECK(std::exp(extreme[4]) == doctest::Approx(1.0));
}

TEST_CASE("disc grader: the side input changes the output, reaches its weights, and is required when configured") {
  DiscGraderConfig c;
  c.vggm = VggMConfig{.in_channels = 3, .height = 64, .width = 64, .classes = 5, .conv_channels = {8, 8, 8, 8, 8}, .fc_width = 16,
                      .dropout = 0.0f};
  for (GradeHead head : {GradeHead::Softmax, GradeHead::Ordinal}) {
    CAPTURE(static_cast<int>(head));
    c.head = head;
    c.side_inputs = 5;
    Generator gen(3);
    DiscGrader model(c, InitScheme::Kaiming, gen);
    const Tensor x = normal({2, 3, 64, 64}, 0.0f, 1.0f, gen);
    std::vector<float> one_hot(10, 0.0f);
    one_hot[1] = one_hot[5 + 3] = 1.0f;
    const Tensor side = Tensor::from_vector({2, 5}, one_hot);
    std::vector<float> other_hot(10, 0.0f);
    other_hot[2] = other_hot[5 + 3] = 1.0f;
    const auto a = model.forward(x, side).to_vector(), b = model.forward(x, Tensor::from_vector({2, 5}, other_hot)).to_vector();
    REQUIRE(a.size() == 10);
    bool first_differs = false;
    for (int k = 0; k < 5; ++k) first_differs = first_differs || a[static_cast<std::size_t>(k)] != b[static_cast<std::size_t>(k)];
    CHECK(first_differs);
    for (int k = 5; k < 10; ++k) CHECK(a[static_cast<std::size_t>(k)] == b[static_cast<std::size_t>(k)]);  // same side input

    cross_entropy(model.forward(x, side), {2, 4}).backward();
    for (const auto& [name, p] : model.named_parameters()) {
      if (name.rfind("side_fc", 0) != 0 && name != "cutpoints") continue;
      double norm = 0;
      for (float g : p.grad().to_vector()) norm += std::abs(g);
      CHECK_MESSAGE(norm > 0.0, name);
    }
    CHECK_THROWS_WITH_AS(model.forward(x), doctest::Contains("side input"), Error);
  }
}
