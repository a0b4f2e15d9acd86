#include "kernels/cpu/conv2d.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/host_cache.h"

namespace ldd::kernels::cpu {
namespace {

// Two ways to cut a convolution into GEMMs:
//  - per image (OpenMP over the batch, one single-threaded GEMM each): best when an image's output
//    has many pixels (conv1: 53x53), so each GEMM is large;
//  - batched (the columns of all images side by side, one GEMM that Eigen threads): best when an
//    image's output is small (conv3-5: 6x6 = 36 columns), where per-image GEMMs are too thin to run
//    near the machine's peak. It costs a transposing copy of the output and column buffers of
//    K x (N * OH * OW) floats.
constexpr std::int64_t kBatchedBelowPixels = 100;

std::int64_t column_rows(const Conv2dGeometry& g) { return g.in_channels * g.kernel_h * g.kernel_w; }
std::int64_t pixels(const Conv2dGeometry& g) { return g.out_h() * g.out_w(); }
bool batched(const Conv2dGeometry& g) { return pixels(g) < kBatchedBelowPixels && g.batch > 1; }

// Output columns ow whose input column ow * stride - pad + tap lies inside [0, size): [lo, hi).
struct Span {
  std::int64_t lo, hi;
};
Span inside_span(std::int64_t tap, std::int64_t pad, std::int64_t stride, std::int64_t size, std::int64_t outputs) {
  const std::int64_t first = pad - tap;  // ow * stride >= first
  const std::int64_t last = size - 1 + pad - tap;  // ow * stride <= last
  const std::int64_t lo = first > 0 ? (first + stride - 1) / stride : 0;
  const std::int64_t hi = last < 0 ? 0 : std::min(outputs, last / stride + 1);
  return {std::min(lo, outputs), std::max(std::min(lo, outputs), hi)};
}

// Walks every (kernel tap, output row) pair of the column matrix (row length `ld`) and calls
// f(column row offset, whether the input row is inside the image, image offset of output column 0,
// span of output columns that read inside the image). im2col and col2im share it, so they stay exact adjoints.
template <class F>
void for_each_row(const Conv2dGeometry& g, std::int64_t ld, F f) {
  const std::int64_t oh_n = g.out_h(), ow_n = g.out_w();
  for (std::int64_t c = 0; c < g.in_channels; ++c)
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh)
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const std::int64_t row = (c * g.kernel_h + kh) * g.kernel_w + kw;
        const Span span = inside_span(kw, g.pad_w, g.stride_w, g.in_w, ow_n);
        for (std::int64_t oh = 0; oh < oh_n; ++oh) {
          const std::int64_t ih = oh * g.stride_h - g.pad_h + kh;
          // The image offset of output column 0 may lie before the row (left padding): only [lo, hi) is read.
          f(row * ld + oh * ow_n, ih >= 0 && ih < g.in_h, (c * g.in_h + ih) * g.in_w - g.pad_w + kw, span);
        }
      }
}

void im2col_ld(const Conv2dGeometry& g, const float* image, float* columns, std::int64_t ld) {
  const std::int64_t ow_n = g.out_w(), sw = g.stride_w;
  for_each_row(g, ld, [&](std::int64_t col, bool inside, std::int64_t img, Span span) {
    float* dst = columns + col;
    if (!inside) {
      std::fill(dst, dst + ow_n, 0.0f);
      return;
    }
    std::fill(dst, dst + span.lo, 0.0f);
    const float* src = image + img;
    for (std::int64_t ow = span.lo; ow < span.hi; ++ow) dst[ow] = src[ow * sw];
    std::fill(dst + span.hi, dst + ow_n, 0.0f);
  });
}

void col2im_ld(const Conv2dGeometry& g, const float* columns, float* image, std::int64_t ld) {
  const std::int64_t sw = g.stride_w;
  for_each_row(g, ld, [&](std::int64_t col, bool inside, std::int64_t img, Span span) {
    if (!inside) return;
    const float* src = columns + col;
    float* dst = image + img;
    for (std::int64_t ow = span.lo; ow < span.hi; ++ow) dst[ow * sw] += src[ow];
  });
}

// Columns of every image side by side: (K, N * P), image n in columns [n P, (n + 1) P).
void im2col_batch(const Conv2dGeometry& g, const float* x, float* columns) {
  const std::int64_t p = pixels(g), x_step = g.in_channels * g.in_h * g.in_w;
#pragma omp parallel for schedule(static)
  for (std::int64_t n = 0; n < g.batch; ++n) im2col_ld(g, x + n * x_step, columns + n * p, g.batch * p);
}

// (N, OC, P) <-> (OC, N * P)
void images_to_rows(const Conv2dGeometry& g, const float* images, float* rows) {
  const std::int64_t p = pixels(g);
#pragma omp parallel for collapse(2) schedule(static)
  for (std::int64_t n = 0; n < g.batch; ++n)
    for (std::int64_t o = 0; o < g.out_channels; ++o)
      std::copy_n(images + (n * g.out_channels + o) * p, p, rows + o * g.batch * p + n * p);
}

void rows_to_images(const Conv2dGeometry& g, const float* rows, float* images) {
  const std::int64_t p = pixels(g);
#pragma omp parallel for collapse(2) schedule(static)
  for (std::int64_t n = 0; n < g.batch; ++n)
    for (std::int64_t o = 0; o < g.out_channels; ++o)
      std::copy_n(rows + o * g.batch * p + n * p, p, images + (n * g.out_channels + o) * p);
}

}  // namespace

void im2col(const Conv2dGeometry& g, const float* image, float* columns) { im2col_ld(g, image, columns, pixels(g)); }
void col2im(const Conv2dGeometry& g, const float* columns, float* image) { col2im_ld(g, columns, image, pixels(g)); }

void conv2d_forward(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* y) {
  const std::int64_t k = column_rows(g), p = pixels(g);
  const std::int64_t x_step = g.in_channels * g.in_h * g.in_w, y_step = g.out_channels * p;
  if (batched(g)) {
    HostBuffer columns(static_cast<std::size_t>(k * g.batch * p)), rows(static_cast<std::size_t>(g.out_channels * g.batch * p));
    im2col_batch(g, x, columns.data());
    gemm({.m = g.out_channels, .n = g.batch * p, .k = k, .a = weight, .lda = k, .b = columns.data(), .ldb = g.batch * p,
          .beta = 0.0f, .c = rows.data(), .ldc = g.batch * p});
    rows_to_images(g, rows.data(), y);
    if (bias) channel_bias_forward(g.batch, g.out_channels, p, bias, y);
    return;
  }
#pragma omp parallel
  {
    HostBuffer columns(static_cast<std::size_t>(k * p));
#pragma omp for schedule(static)
    for (std::int64_t n = 0; n < g.batch; ++n) {
      im2col(g, x + n * x_step, columns.data());
      gemm({.m = g.out_channels, .n = p, .k = k, .a = weight, .lda = k, .b = columns.data(), .ldb = p, .beta = 0.0f,
            .c = y + n * y_step, .ldc = p});
      if (bias) channel_bias_forward(1, g.out_channels, p, bias, y + n * y_step);
    }
  }
}

void conv2d_backward_data(const Conv2dGeometry& g, const float* dy, const float* weight, float* dx) {
  const std::int64_t k = column_rows(g), p = pixels(g);
  const std::int64_t x_step = g.in_channels * g.in_h * g.in_w, y_step = g.out_channels * p;
  if (batched(g)) {
    HostBuffer rows(static_cast<std::size_t>(g.out_channels * g.batch * p)), columns(static_cast<std::size_t>(k * g.batch * p));
    images_to_rows(g, dy, rows.data());
    gemm({.transpose_a = true, .m = k, .n = g.batch * p, .k = g.out_channels, .a = weight, .lda = k, .b = rows.data(),
          .ldb = g.batch * p, .beta = 0.0f, .c = columns.data(), .ldc = g.batch * p});
#pragma omp parallel for schedule(static)
    for (std::int64_t n = 0; n < g.batch; ++n) col2im_ld(g, columns.data() + n * p, dx + n * x_step, g.batch * p);
    return;
  }
#pragma omp parallel
  {
    HostBuffer columns(static_cast<std::size_t>(k * p));
#pragma omp for schedule(static)
    for (std::int64_t n = 0; n < g.batch; ++n) {
      gemm({.transpose_a = true, .m = k, .n = p, .k = g.out_channels, .a = weight, .lda = k, .b = dy + n * y_step,
            .ldb = p, .beta = 0.0f, .c = columns.data(), .ldc = p});
      col2im(g, columns.data(), dx + n * x_step);
    }
  }
}

void conv2d_backward_weight(const Conv2dGeometry& g, const float* x, const float* dy, float* dweight, float* dbias) {
  const std::int64_t k = column_rows(g), p = pixels(g);
  const std::int64_t x_step = g.in_channels * g.in_h * g.in_w, y_step = g.out_channels * p;
  if (dbias) channel_bias_backward(g.batch, g.out_channels, p, dy, dbias);
  if (batched(g)) {
    HostBuffer columns(static_cast<std::size_t>(k * g.batch * p)), rows(static_cast<std::size_t>(g.out_channels * g.batch * p));
    im2col_batch(g, x, columns.data());
    images_to_rows(g, dy, rows.data());
    gemm({.transpose_b = true, .m = g.out_channels, .n = k, .k = g.batch * p, .a = rows.data(), .lda = g.batch * p,
          .b = columns.data(), .ldb = g.batch * p, .beta = 1.0f, .c = dweight, .ldc = k});
    return;
  }
  const int threads = omp_get_max_threads();
  // One partial gradient per thread, summed in thread order afterwards: deterministic for a given
  // thread count (a different count changes the summation order, so the last bits may differ).
  std::vector<std::vector<float>> partial(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    HostBuffer columns(static_cast<std::size_t>(k * p));
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
}

}  // namespace ldd::kernels::cpu
