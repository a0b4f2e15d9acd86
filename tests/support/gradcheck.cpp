#include "tests/support/gradcheck.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

namespace ldd::testing {
namespace {

constexpr float kPrefill = 0.25f;

double weighted_sum(const reference::Values& out, const reference::Values& weights) {
  double s = 0.0;
  for (std::size_t i = 0; i < out.size(); ++i) s += out[i] * weights[i];
  return s;
}

}  // namespace

reference::Values to_double(const Tensor& t) {
  const std::vector<float> v = t.to_vector();
  return {v.begin(), v.end()};
}

std::vector<Tensor> random_inputs(const std::vector<Shape>& shapes, Generator& gen) {
  std::vector<Tensor> inputs;
  for (const auto& s : shapes) inputs.push_back(uniform(s, -1.0f, 1.0f, gen).set_requires_grad());
  return inputs;
}

void check_gradients(const std::vector<Tensor>& inputs, const OpFn& op, const ReferenceFn& ref, const Tolerance& tol) {
  std::vector<reference::Values> x;
  for (const auto& t : inputs) x.push_back(to_double(t));

  // 1. forward
  const Tensor out = op(inputs);
  const reference::Values expected = ref(x);
  const reference::Values got = to_double(out);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("output element " << i << " of shape " << out.shape());
    CHECK(std::abs(got[i] - expected[i]) <= tol.forward * (1.0 + std::abs(expected[i])));
  }

  // 2 + 3. analytic gradient on top of a pre-filled buffer
  Generator gen(1234);
  const Tensor weights = uniform(out.shape(), -1.0f, 1.0f, gen);
  const reference::Values r = to_double(weights);
  for (auto t : inputs) t.set_grad(Tensor::full(t.shape(), kPrefill));
  out.backward(weights);

  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const reference::Values analytic = to_double(inputs[k].grad());
    reference::Values numeric(x[k].size());
    for (std::size_t j = 0; j < x[k].size(); ++j) {
      auto shifted = x;
      shifted[k][j] = x[k][j] + tol.epsilon;
      const double plus = weighted_sum(ref(shifted), r);
      shifted[k][j] = x[k][j] - tol.epsilon;
      const double minus = weighted_sum(ref(shifted), r);
      numeric[j] = (plus - minus) / (2.0 * tol.epsilon);
    }
    double scale = 0.0;
    for (double v : numeric) scale = std::max(scale, std::abs(v));
    for (std::size_t j = 0; j < numeric.size(); ++j) {
      const double grad = analytic[j] - kPrefill;
      INFO("input " << k << " " << inputs[k].shape() << ", element " << j << ": analytic " << grad << ", numeric "
                    << numeric[j]);
      CHECK(std::abs(grad - numeric[j]) <= tol.gradient * (scale * 1e-2 + std::abs(numeric[j])) + 1e-5);
    }
  }
}

}  // namespace ldd::testing
