#include "nn/ops/loss.h"

#include "kernels/check.h"
#include "kernels/softmax.h"
#include "nn/autograd.h"

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
