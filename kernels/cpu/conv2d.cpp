#include "kernels/cpu/conv2d.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"

namespace ldd::kernels::cpu {
namespace {

std::int64_t column_rows(const Conv2dGeometry& g) { return g.in_channels * g.kernel_h * g.kernel_w; }
std::int64_t column_cols(const Conv2dGeometry& g) { return g.out_h() * g.out_w(); }

// Calls f(row, oh, ih) for every (kernel row, output row) pair whose input row ih lies inside the image;
// the same walk serves im2col and col2im so the two stay exact adjoints.
template <class F>
void for_each_tap(const Conv2dGeometry& g, F f) {
  const std::int64_t oh_n = g.out_h(), ow_n = g.out_w();
  for (std::int64_t c = 0; c < g.in_channels; ++c)
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh)
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const std::int64_t row = (c * g.kernel_h + kh) * g.kernel_w + kw;
        for (std::int64_t oh = 0; oh < oh_n; ++oh) {
          const std::int64_t ih = oh * g.stride_h - g.pad_h + kh;
          const std::int64_t col0 = row * oh_n * ow_n + oh * ow_n;
          const std::int64_t img0 = (c * g.in_h + ih) * g.in_w;
          const bool row_inside = ih >= 0 && ih < g.in_h;
          for (std::int64_t ow = 0; ow < ow_n; ++ow) {
            const std::int64_t iw = ow * g.stride_w - g.pad_w + kw;
            f(col0 + ow, img0 + iw, row_inside && iw >= 0 && iw < g.in_w);
          }
        }
      }
}

}  // namespace

void im2col(const Conv2dGeometry& g, const float* image, float* columns) {
  for_each_tap(g, [&](std::int64_t col, std::int64_t img, bool inside) {
    columns[col] = inside ? image[img] : 0.0f;
  });
}

void col2im(const Conv2dGeometry& g, const float* columns, float* image) {
  for_each_tap(g, [&](std::int64_t col, std::int64_t img, bool inside) {
    if (inside) image[img] += columns[col];
  });
}

void conv2d_forward(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* y) {
  const std::int64_t k = column_rows(g), p = column_cols(g);
  const std::int64_t x_step = g.in_channels * g.in_h * g.in_w, y_step = g.out_channels * p;
#pragma omp parallel
  {
    std::vector<float> columns(static_cast<std::size_t>(k * p));
#pragma omp for schedule(static)
    for (std::int64_t n = 0; n < g.batch; ++n) {
      im2col(g, x + n * x_step, columns.data());
      gemm({.m = g.out_channels, .n = p, .k = k, .a = weight, .lda = k, .b = columns.data(), .ldb = p,
            .beta = 0.0f, .c = y + n * y_step, .ldc = p});
      if (bias) channel_bias_forward(1, g.out_channels, p, bias, y + n * y_step);
    }
  }
}

void conv2d_backward_data(const Conv2dGeometry& g, const float* dy, const float* weight, float* dx) {
  const std::int64_t k = column_rows(g), p = column_cols(g);
  const std::int64_t x_step = g.in_channels * g.in_h * g.in_w, y_step = g.out_channels * p;
#pragma omp parallel
  {
    std::vector<float> columns(static_cast<std::size_t>(k * p));
#pragma omp for schedule(static)
    for (std::int64_t n = 0; n < g.batch; ++n) {
      gemm({.transpose_a = true, .m = k, .n = p, .k = g.out_channels, .a = weight, .lda = k, .b = dy + n * y_step,
            .ldb = p, .beta = 0.0f, .c = columns.data(), .ldc = p});
      col2im(g, columns.data(), dx + n * x_step);
    }
  }
}

void conv2d_backward_weight(const Conv2dGeometry& g, const float* x, const float* dy, float* dweight,
                            float* dbias) {
  const std::int64_t k = column_rows(g), p = column_cols(g);
  const std::int64_t x_step = g.in_channels * g.in_h * g.in_w, y_step = g.out_channels * p;
  const int threads = omp_get_max_threads();
  // One partial gradient per thread, summed in thread order afterwards: deterministic for a given
  // thread count (a different count changes the summation order, so the last bits may differ).
  std::vector<std::vector<float>> partial(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    std::vector<float> columns(static_cast<std::size_t>(k * p));
    auto& mine = partial[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (std::int64_t n = 0; n < g.batch; ++n) {
      if (mine.empty()) mine.assign(static_cast<std::size_t>(g.out_channels * k), 0.0f);
      im2col(g, x + n * x_step, columns.data());
      gemm({.transpose_b = true, .m = g.out_channels, .n = k, .k = p, .a = dy + n * y_step, .lda = p,
            .b = columns.data(), .ldb = p, .beta = 1.0f, .c = mine.data(), .ldc = k});
    }
  }
  for (const auto& part : partial)
    if (!part.empty()) axpy(static_cast<std::int64_t>(part.size()), 1.0f, part.data(), dweight);
  if (dbias) channel_bias_backward(g.batch, g.out_channels, p, dy, dbias);
}

}  // namespace ldd::kernels::cpu
