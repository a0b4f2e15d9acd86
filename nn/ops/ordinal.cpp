#include "nn/ops/ordinal.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "nn/autograd.h"
#include "nn/ops/elementwise.h"

namespace ldd {
namespace {

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }
double softplus(double z) { return z > 30 ? z : std::log1p(std::exp(z)); }
constexpr double kSmallestProbability = 1e-12;  // keeps log P finite when two cut-points nearly meet

void accumulate(Tensor& grad, const std::vector<double>& values) {
  std::vector<float> v(values.begin(), values.end());
  grad.assign(add(grad, Tensor::from_vector(grad.shape(), v, grad.device())));
}

}  // namespace

Tensor cumulative_link_log_probs(const Tensor& score, const Tensor& raw_cutpoints) {
  LDD_CHECK(score.rank() == 2 && score.size(1) == 1, "cumulative_link_log_probs: score must be (N, 1), got " << score.shape());
  LDD_CHECK(raw_cutpoints.rank() == 1 && raw_cutpoints.size(0) >= 1,
            "cumulative_link_log_probs: cut-points must be (K - 1) with K >= 2, got " << raw_cutpoints.shape());
  LDD_CHECK(score.device() == raw_cutpoints.device(), "cumulative_link_log_probs: score and cut-points on different devices");
  const std::int64_t rows = score.size(0), cuts = raw_cutpoints.size(0), grades = cuts + 1;
  const std::vector<float> s = score.to_vector(), raw = raw_cutpoints.to_vector();
  std::vector<double> theta(static_cast<std::size_t>(cuts));
  for (std::int64_t j = 0; j < cuts; ++j)
    theta[static_cast<std::size_t>(j)] = j == 0 ? raw[0] : theta[static_cast<std::size_t>(j - 1)] + softplus(raw[static_cast<std::size_t>(j)]);
  // Saved for backward: the cumulative probabilities' slopes f_j = F_j (1 - F_j) and each P(grade = k).
  std::vector<double> slope(static_cast<std::size_t>(rows * cuts)), probability(static_cast<std::size_t>(rows * grades));
  std::vector<float> out(static_cast<std::size_t>(rows * grades));
  for (std::int64_t i = 0; i < rows; ++i) {
    double below = 0.0;  // F_{k-1}
    for (std::int64_t k = 0; k < grades; ++k) {
      const double cumulative = k < cuts ? sigmoid(theta[static_cast<std::size_t>(k)] - s[static_cast<std::size_t>(i)]) : 1.0;
      if (k < cuts) slope[static_cast<std::size_t>(i * cuts + k)] = cumulative * (1.0 - cumulative);
      // The top grade's probability as sigmoid(s - theta) rather than 1 - F keeps its precision.
      double p = k == grades - 1 ? sigmoid(s[static_cast<std::size_t>(i)] - theta[static_cast<std::size_t>(cuts - 1)]) : cumulative - below;
      p = std::max(p, kSmallestProbability);
      probability[static_cast<std::size_t>(i * grades + k)] = p;
      out[static_cast<std::size_t>(i * grades + k)] = static_cast<float>(std::log(p));
      below = cumulative;
    }
  }
  Tensor y = Tensor::from_vector({rows, grades}, out, score.device());
  return attach(y, "cumulative_link_log_probs", {score, raw_cutpoints},
                [slope, probability, raw, rows, cuts, grades](const Tensor& dy, Node& node) {
                  const std::vector<float> g = dy.to_vector();
                  std::vector<double> dscore(static_cast<std::size_t>(rows), 0.0), dtheta(static_cast<std::size_t>(cuts), 0.0);
                  for (std::int64_t i = 0; i < rows; ++i)
                    for (std::int64_t k = 0; k < grades; ++k) {
                      // log P_k = log(F_k - F_{k-1}); dF_j/dtheta_j = f_j, dF_j/ds = -f_j.
                      const double upstream = g[static_cast<std::size_t>(i * grades + k)] / probability[static_cast<std::size_t>(i * grades + k)];
                      const double f_k = k < cuts ? slope[static_cast<std::size_t>(i * cuts + k)] : 0.0;
                      const double f_below = k > 0 ? slope[static_cast<std::size_t>(i * cuts + k - 1)] : 0.0;
                      dscore[static_cast<std::size_t>(i)] += upstream * (f_below - f_k);
                      if (k < cuts) dtheta[static_cast<std::size_t>(k)] += upstream * f_k;
                      if (k > 0) dtheta[static_cast<std::size_t>(k - 1)] -= upstream * f_below;
                    }
                  if (node.needs_grad(0)) accumulate(node.grad_for(0), dscore);
                  if (node.needs_grad(1)) {
                    // theta_j = raw_1 + sum_{2 <= m <= j} softplus(raw_m): d theta_j / d raw_m = sigmoid(raw_m) for m >= 2.
                    std::vector<double> draw(static_cast<std::size_t>(cuts), 0.0);
                    double later = 0.0;  // sum of dtheta_j over j >= m
                    for (std::int64_t m = cuts - 1; m >= 0; --m) {
                      later += dtheta[static_cast<std::size_t>(m)];
                      draw[static_cast<std::size_t>(m)] = m == 0 ? later : later * sigmoid(raw[static_cast<std::size_t>(m)]);
                    }
                    accumulate(node.grad_for(1), draw);
                  }
                });
}

}  // namespace ldd
