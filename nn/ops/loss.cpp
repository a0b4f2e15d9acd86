#include "nn/ops/loss.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "kernels/softmax.h"
#include "nn/autograd.h"
#include "nn/ops/elementwise.h"

namespace ldd {

Tensor log_softmax(const Tensor& x) {
  LDD_CHECK(x.rank() >= 1, "log_softmax: needs at least one axis, got a scalar");
  const std::int64_t classes = x.size(-1), rows = x.numel() / classes;
  Tensor y = Tensor::empty(x.shape(), x.device());
  kernels::log_softmax_forward(x.device(), rows, classes, x.data(), y.data());
  const Tensor saved_y = y.detach();
  return attach(y, "log_softmax", {x}, [rows, classes, saved_y](const Tensor& dy, Node& node) {
    kernels::log_softmax_backward(dy.device(), rows, classes, saved_y.data(), dy.data(), node.grad_for(0).data());
  });
}

Tensor cross_entropy(const Tensor& logits, const std::vector<int>& targets, const CrossEntropyOptions& o) {
  LDD_CHECK(logits.rank() == 2, "cross_entropy: logits must be (N, classes), got " << logits.shape());
  const std::int64_t rows = logits.size(0), classes = logits.size(1);
  LDD_CHECK(static_cast<std::int64_t>(targets.size()) == rows,
            "cross_entropy: " << targets.size() << " targets for " << rows << " rows of logits " << logits.shape());
  LDD_CHECK(o.class_weights.empty() || static_cast<std::int64_t>(o.class_weights.size()) == classes,
            "cross_entropy: " << o.class_weights.size() << " class weights for " << classes << " classes");
  for (float w : o.class_weights) LDD_CHECK(w >= 0.0f, "cross_entropy: class weights must be >= 0, got " << w);

  Tensor log_probs = Tensor::empty(logits.shape(), logits.device());
  kernels::log_softmax_forward(logits.device(), rows, classes, logits.data(), log_probs.data());
  const kernels::CrossEntropyArgs args{.rows = rows, .classes = classes, .log_probs = log_probs.data(),
                                       .targets = targets.data(),
                                       .class_weights = o.class_weights.empty() ? nullptr : o.class_weights.data(),
                                       .ignore_index = o.ignore_index};
  const float loss = kernels::cross_entropy_forward(logits.device(), args);
  Tensor out = Tensor::full(Shape(), loss, logits.device());
  // The closure owns copies of the targets and weights: the caller's vectors may be gone by backward.
  return attach(out, "cross_entropy", {logits}, [log_probs, targets, o, args](const Tensor& dloss, Node& node) {
    kernels::CrossEntropyArgs a = args;
    a.log_probs = log_probs.data();
    a.targets = targets.data();
    a.class_weights = o.class_weights.empty() ? nullptr : o.class_weights.data();
    kernels::cross_entropy_backward(dloss.device(), a, dloss.item(), node.grad_for(0).data());
  });
}

Tensor focal_loss(const Tensor& logits, const std::vector<int>& targets, double gamma, const std::vector<float>& class_weights) {
  LDD_CHECK(logits.rank() == 2, "focal_loss: logits must be (N, classes), got " << logits.shape());
  const std::int64_t rows = logits.size(0), classes = logits.size(1);
  LDD_CHECK(static_cast<std::int64_t>(targets.size()) == rows,
            "focal_loss: " << targets.size() << " targets for " << rows << " rows of logits " << logits.shape());
  LDD_CHECK(class_weights.empty() || static_cast<std::int64_t>(class_weights.size()) == classes,
            "focal_loss: " << class_weights.size() << " class weights for " << classes << " classes");
  LDD_CHECK(gamma >= 0.0, "focal_loss: gamma must be >= 0, got " << gamma);
  const std::vector<float> z = logits.to_vector();
  // softmax[i][j] and the per-row factor d loss_i / d log p_i, both kept for backward.
  std::vector<double> softmax(z.size()), dlogp(static_cast<std::size_t>(rows));
  double loss = 0, weight_sum = 0;
  for (std::int64_t i = 0; i < rows; ++i) {
    const int t = targets[static_cast<std::size_t>(i)];
    LDD_CHECK(t >= 0 && t < classes, "focal_loss: target " << t << " of row " << i << " is outside [0, " << classes << ")");
    const float* zi = z.data() + i * classes;
    double* si = softmax.data() + i * classes;
    const double top = *std::max_element(zi, zi + classes);
    double sum = 0;
    for (std::int64_t j = 0; j < classes; ++j) sum += (si[j] = std::exp(zi[j] - top));
    for (std::int64_t j = 0; j < classes; ++j) si[j] /= sum;
    const double logp = zi[t] - top - std::log(sum), p = std::exp(logp), q = 1.0 - p;
    const double w = class_weights.empty() ? 1.0 : class_weights[static_cast<std::size_t>(t)];
    loss -= w * std::pow(q, gamma) * logp;
    // d/dlogp of -(1-p)^g logp = -(1-p)^g + g p (1-p)^(g-1) logp; the second term vanishes as p -> 1.
    dlogp[static_cast<std::size_t>(i)] = w * (-std::pow(q, gamma) + (q > 0 && gamma > 0 ? gamma * p * std::pow(q, gamma - 1) * logp : 0.0));
    weight_sum += w;
  }
  const double scale = weight_sum > 0 ? 1.0 / weight_sum : 0.0;
  Tensor out = Tensor::full(Shape(), static_cast<float>(loss * scale), logits.device());
  return attach(out, "focal_loss", {logits}, [softmax, dlogp, targets, scale, rows, classes](const Tensor& dloss, Node& node) {
    const double g = dloss.item() * scale;
    std::vector<float> grad(softmax.size());
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < classes; ++j) {
        const double dlogp_dz = (j == targets[static_cast<std::size_t>(i)] ? 1.0 : 0.0) - softmax[static_cast<std::size_t>(i * classes + j)];
        grad[static_cast<std::size_t>(i * classes + j)] = static_cast<float>(g * dlogp[static_cast<std::size_t>(i)] * dlogp_dz);
      }
    Tensor& dz = node.grad_for(0);
    dz.assign(add(dz, Tensor::from_vector(dz.shape(), grad, dz.device())));
  });
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const std::vector<std::uint8_t>& targets, std::uint8_t ignore) {
  LDD_CHECK(static_cast<std::int64_t>(targets.size()) == logits.numel(),
            "binary_cross_entropy: " << targets.size() << " targets for logits " << logits.shape());
  for (std::size_t i = 0; i < targets.size(); ++i)
    LDD_CHECK(targets[i] <= 1 || targets[i] == ignore, "binary_cross_entropy: target " << int(targets[i]) << " at " << i
                                                                                       << " is neither 0, 1 nor the ignore value");
  const float loss = kernels::binary_cross_entropy_forward(logits.device(), logits.numel(), logits.data(), targets.data(), ignore);
  return attach(Tensor::full(Shape(), loss, logits.device()), "binary_cross_entropy", {logits},
                [targets, ignore](const Tensor& dloss, Node& node) {
                  const Tensor& x = node.inputs[0];
                  kernels::binary_cross_entropy_backward(x.device(), x.numel(), x.data(), targets.data(), ignore, dloss.item(),
                                                         node.grad_for(0).data());
                });
}

}  // namespace ldd
