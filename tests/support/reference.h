// Naive double-precision reference implementations of every op: the ground truth that kernels are
// compared with and that finite differences are taken on. Written for clarity, never for speed.
#pragma once
#include <cstdint>
#include <vector>

#include "nn/shape.h"

namespace ldd::reference {

using Values = std::vector<double>;

enum class Binary { Add, Sub, Mul };
Values binary(Binary op, const Values& a, const Shape& a_shape, const Values& b, const Shape& b_shape,
              const Shape& out_shape);
Values relu(const Values& x);
Values matmul(const Values& a, const Values& b, std::int64_t m, std::int64_t k, std::int64_t n);
// x (n, in), w (out, in), bias (out) or empty
Values linear(const Values& x, const Values& w, const Values& bias, std::int64_t n, std::int64_t in, std::int64_t out);
// Sum over the axes flagged in `reduced`, keeping them as extent 1; divided by the count when `mean`.
Values reduce(const Values& x, const Shape& shape, const std::vector<bool>& reduced, bool mean);

struct Conv {
  std::int64_t n, c, h, w, oc, kh, kw, sh, sw, ph, pw;
};
Values conv2d(const Values& x, const Values& weight, const Values& bias, const Conv& g);

struct Pool {
  std::int64_t n, c, h, w, kh, kw, sh, sw, ph, pw;
  bool ceil_mode;
};
std::int64_t pool_out_size(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p, bool ceil_mode);
Values max_pool2d(const Values& x, const Pool& g);

// Caffe / cuDNN LRN across axis 1 of (outer, channels, inner).
Values lrn(const Values& x, std::int64_t outer, std::int64_t channels, std::int64_t inner, std::int64_t size,
           double alpha, double beta, double k);

Values log_softmax(const Values& x, std::int64_t rows, std::int64_t classes);
double cross_entropy(const Values& logits, std::int64_t rows, std::int64_t classes, const std::vector<int>& targets,
                     const std::vector<float>& weights, int ignore_index);
// Focal loss: sum_r w[t] (1 - p)^gamma (-log p) / sum_r w[t], p the softmax of the target.
double focal_loss(const Values& logits, std::int64_t rows, std::int64_t classes, const std::vector<int>& targets,
                  const std::vector<float>& weights, double gamma);

}  // namespace ldd::reference
