#include "train/logistic_regression.h"

#include <Eigen/Dense>
#include <cmath>

#include "base/check.h"

namespace ldd::train {
namespace {

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

}  // namespace

LogisticRegression LogisticRegression::fit(const std::vector<std::vector<double>>& rows, const std::vector<bool>& positive,
                                           double l2) {
  LDD_CHECK(!rows.empty() && rows.size() == positive.size(),
            "logistic regression: " << rows.size() << " feature rows for " << positive.size() << " labels");
  const std::size_t n = rows.size(), k = rows.front().size();
  LogisticRegression model;
  model.mean_.assign(k, 0.0);
  model.scale_.assign(k, 1.0);
  for (const auto& r : rows) {
    LDD_CHECK(r.size() == k, "logistic regression: rows of " << k << " and " << r.size() << " features");
    for (std::size_t j = 0; j < k; ++j) model.mean_[j] += r[j] / static_cast<double>(n);
  }
  for (std::size_t j = 0; j < k; ++j) {
    double var = 0;
    for (const auto& r : rows) var += (r[j] - model.mean_[j]) * (r[j] - model.mean_[j]) / static_cast<double>(n);
    model.scale_[j] = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;  // a constant column drops out
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k + 1));
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    x(r, 0) = 1.0;
    for (std::size_t j = 0; j < k; ++j) x(r, static_cast<Eigen::Index>(j + 1)) = (rows[i][j] - model.mean_[j]) * model.scale_[j];
    y(r) = positive[i] ? 1.0 : 0.0;
  }
  // The bias is not penalised; the small ridge keeps the Hessian invertible when a class is separable.
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(k + 1), l2 * static_cast<double>(n));
  penalty(0) = 1e-9 * static_cast<double>(n);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(k + 1));
  for (int iteration = 0; iteration < 50; ++iteration) {
    const Eigen::VectorXd z = x * w;
    Eigen::VectorXd p(z.size()), curvature(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      p(i) = sigmoid(z(i));
      curvature(i) = std::max(p(i) * (1.0 - p(i)), 1e-12);
    }
    const Eigen::VectorXd gradient = x.transpose() * (p - y) + penalty.cwiseProduct(w);
    Eigen::MatrixXd hessian = x.transpose() * curvature.asDiagonal() * x;
    hessian.diagonal() += penalty;
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);
    w -= step;
    if (step.lpNorm<Eigen::Infinity>() < 1e-10) break;
  }
  model.weights_.assign(w.data(), w.data() + w.size());
  return model;
}

double LogisticRegression::probability(const std::vector<double>& features) const {
  LDD_CHECK(features.size() == mean_.size(), "logistic regression: " << features.size() << " features, fitted on " << mean_.size());
  double z = weights_[0];
  for (std::size_t j = 0; j < features.size(); ++j) z += weights_[j + 1] * (features[j] - mean_[j]) * scale_[j];
  return sigmoid(z);
}

}  // namespace ldd::train
