#include "tests/support/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ldd::reference {
namespace {

// Index of element `flat` of out_shape inside an operand of shape `s`, broadcasting extents of 1.
std::int64_t broadcast_index(std::int64_t flat, const Shape& out, const Shape& s) {
  std::int64_t index = 0, stride = 1;
  for (int i = 1; i <= out.rank(); ++i) {
    const std::int64_t coordinate = flat % out[-i];
    flat /= out[-i];
    if (i <= s.rank()) {
      const std::int64_t extent = s[-i];
      index += (extent == 1 ? 0 : coordinate) * stride;
      stride *= extent;
    }
  }
  return index;
}

}  // namespace

Values binary(Binary op, const Values& a, const Shape& as, const Values& b, const Shape& bs, const Shape& out) {
  Values y(static_cast<std::size_t>(out.numel()));
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    const double x = a[static_cast<std::size_t>(broadcast_index(i, out, as))];
    const double z = b[static_cast<std::size_t>(broadcast_index(i, out, bs))];
    y[static_cast<std::size_t>(i)] = op == Binary::Add ? x + z : op == Binary::Sub ? x - z : x * z;
  }
  return y;
}

Values relu(const Values& x) {
  Values y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::max(0.0, x[i]);
  return y;
}

Values matmul(const Values& a, const Values& b, std::int64_t m, std::int64_t k, std::int64_t n) {
  Values c(static_cast<std::size_t>(m * n), 0.0);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t p = 0; p < k; ++p)
        c[static_cast<std::size_t>(i * n + j)] += a[static_cast<std::size_t>(i * k + p)] * b[static_cast<std::size_t>(p * n + j)];
  return c;
}

Values linear(const Values& x, const Values& w, const Values& bias, std::int64_t n, std::int64_t in, std::int64_t out) {
  Values y(static_cast<std::size_t>(n * out), 0.0);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t o = 0; o < out; ++o) {
      double s = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(o)];
      for (std::int64_t p = 0; p < in; ++p) s += x[static_cast<std::size_t>(i * in + p)] * w[static_cast<std::size_t>(o * in + p)];
      y[static_cast<std::size_t>(i * out + o)] = s;
    }
  return y;
}

Values reduce(const Values& x, const Shape& shape, const std::vector<bool>& reduced, bool mean) {
  std::vector<std::int64_t> kept;
  std::int64_t count = 1;
  for (int i = 0; i < shape.rank(); ++i) {
    kept.push_back(reduced[static_cast<std::size_t>(i)] ? 1 : shape[i]);
    if (reduced[static_cast<std::size_t>(i)]) count *= shape[i];
  }
  const Shape out(std::span<const std::int64_t>(kept.data(), kept.size()));
  Values y(static_cast<std::size_t>(out.numel()), 0.0);
  for (std::int64_t i = 0; i < shape.numel(); ++i) {
    std::int64_t rest = i, o = 0, stride = 1;
    for (int d = shape.rank() - 1; d >= 0; --d) {
      const std::int64_t coordinate = rest % shape[d];
      rest /= shape[d];
      if (!reduced[static_cast<std::size_t>(d)]) o += coordinate * stride;
      stride *= out[d];
    }
    y[static_cast<std::size_t>(o)] += x[static_cast<std::size_t>(i)];
  }
  if (mean)
    for (auto& v : y) v /= static_cast<double>(count);
  return y;
}

Values conv2d(const Values& x, const Values& weight, const Values& bias, const Conv& g) {
  const std::int64_t oh_n = (g.h + 2 * g.ph - g.kh) / g.sh + 1, ow_n = (g.w + 2 * g.pw - g.kw) / g.sw + 1;
  Values y(static_cast<std::size_t>(g.n * g.oc * oh_n * ow_n), 0.0);
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t o = 0; o < g.oc; ++o)
      for (std::int64_t oh = 0; oh < oh_n; ++oh)
        for (std::int64_t ow = 0; ow < ow_n; ++ow) {
          double s = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(o)];
          for (std::int64_t c = 0; c < g.c; ++c)
            for (std::int64_t i = 0; i < g.kh; ++i)
              for (std::int64_t j = 0; j < g.kw; ++j) {
                const std::int64_t ih = oh * g.sh - g.ph + i, iw = ow * g.sw - g.pw + j;
                if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                s += x[static_cast<std::size_t>(((n * g.c + c) * g.h + ih) * g.w + iw)] *
                     weight[static_cast<std::size_t>(((o * g.c + c) * g.kh + i) * g.kw + j)];
              }
          y[static_cast<std::size_t>(((n * g.oc + o) * oh_n + oh) * ow_n + ow)] = s;
        }
  return y;
}

std::int64_t pool_out_size(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p, bool ceil_mode) {
  const double windows = static_cast<double>(in + 2 * p - k) / static_cast<double>(s);
  std::int64_t out = static_cast<std::int64_t>(ceil_mode ? std::ceil(windows) : std::floor(windows)) + 1;
  // PyTorch: the last window must start inside the input or its left padding.
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

Values max_pool2d(const Values& x, const Pool& g) {
  const std::int64_t oh_n = pool_out_size(g.h, g.kh, g.sh, g.ph, g.ceil_mode);
  const std::int64_t ow_n = pool_out_size(g.w, g.kw, g.sw, g.pw, g.ceil_mode);
  Values y(static_cast<std::size_t>(g.n * g.c * oh_n * ow_n));
  for (std::int64_t plane = 0; plane < g.n * g.c; ++plane)
    for (std::int64_t oh = 0; oh < oh_n; ++oh)
      for (std::int64_t ow = 0; ow < ow_n; ++ow) {
        double best = -std::numeric_limits<double>::infinity();
        for (std::int64_t i = 0; i < g.kh; ++i)
          for (std::int64_t j = 0; j < g.kw; ++j) {
            const std::int64_t ih = oh * g.sh - g.ph + i, iw = ow * g.sw - g.pw + j;
            if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w)
              best = std::max(best, x[static_cast<std::size_t>((plane * g.h + ih) * g.w + iw)]);
          }
        y[static_cast<std::size_t>((plane * oh_n + oh) * ow_n + ow)] = best;
      }
  return y;
}

Values lrn(const Values& x, std::int64_t outer, std::int64_t channels, std::int64_t inner, std::int64_t size,
           double alpha, double beta, double k) {
  Values y(x.size());
  const std::int64_t before = (size - 1) / 2, after = size - 1 - before;
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t c = 0; c < channels; ++c)
      for (std::int64_t i = 0; i < inner; ++i) {
        double sum = 0.0;
        for (std::int64_t j = c - before; j <= c + after; ++j)
          if (j >= 0 && j < channels) {
            const double v = x[static_cast<std::size_t>((o * channels + j) * inner + i)];
            sum += v * v;
          }
        const std::size_t e = static_cast<std::size_t>((o * channels + c) * inner + i);
        y[e] = x[e] / std::pow(k + alpha / static_cast<double>(size) * sum, beta);
      }
  return y;
}

Values log_softmax(const Values& x, std::int64_t rows, std::int64_t classes) {
  Values y(x.size());
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto row = x.begin() + r * classes;
    const double max = *std::max_element(row, row + classes);  // exp(1000) would overflow even in double
    double sum = 0.0;
    for (std::int64_t c = 0; c < classes; ++c) sum += std::exp(row[c] - max);
    for (std::int64_t c = 0; c < classes; ++c) y[static_cast<std::size_t>(r * classes + c)] = row[c] - max - std::log(sum);
  }
  return y;
}

double cross_entropy(const Values& logits, std::int64_t rows, std::int64_t classes, const std::vector<int>& targets,
                     const std::vector<float>& weights, int ignore_index) {
  const Values lp = log_softmax(logits, rows, classes);
  double loss = 0.0, total = 0.0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const int t = targets[static_cast<std::size_t>(r)];
    if (t == ignore_index) continue;
    const double w = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(t)];
    loss -= w * lp[static_cast<std::size_t>(r * classes + t)];
    total += w;
  }
  return total == 0.0 ? 0.0 : loss / total;
}

double focal_loss(const Values& logits, std::int64_t rows, std::int64_t classes, const std::vector<int>& targets,
                  const std::vector<float>& weights, double gamma) {
  const Values lp = log_softmax(logits, rows, classes);
  double loss = 0.0, total = 0.0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const int t = targets[static_cast<std::size_t>(r)];
    const double w = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(t)];
    const double logp = lp[static_cast<std::size_t>(r * classes + t)];
    loss -= w * std::pow(1.0 - std::exp(logp), gamma) * logp;
    total += w;
  }
  return total == 0.0 ? 0.0 : loss / total;
}

}  // namespace ldd::reference
