#include "kernels/cpu/elementwise.h"

#include <vector>

namespace ldd::kernels::cpu {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr std::int64_t kParallelThreshold = 1 << 15;

Extents contiguous_strides(const Extents& extents) {
  Extents strides{};
  std::int64_t s = 1;
  for (int d = kMaxDims - 1; d >= 0; --d) {
    strides[d] = s;
    s *= extents[d];
  }
  return strides;
}

std::int64_t product(const Extents& e) {
  std::int64_t n = 1;
  for (auto v : e) n *= v;
  return n;
}

template <class F>
void binary_loop(const Extents& e, const float* a, const Extents& as, const float* b, const Extents& bs,
                 float* out, F f) {
  const Extents os = contiguous_strides(e);
  const std::int64_t n = product(e);
  if (as == os && bs == os) {  // same shape: one flat loop the compiler vectorises
#pragma omp parallel for simd if (n > kParallelThreshold)
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
    return;
  }
  const std::int64_t rows = e[0] * e[1] * e[2] * e[3];
#pragma omp parallel for if (n > kParallelThreshold)
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t rest = r, ao = 0, bo = 0;
    for (int d = 3; d >= 0; --d) {
      const std::int64_t i = rest % e[d];
      rest /= e[d];
      ao += i * as[d];
      bo += i * bs[d];
    }
    float* o = out + r * e[4];
    for (std::int64_t i = 0; i < e[4]; ++i) o[i] = f(a[ao + i * as[4]], b[bo + i * bs[4]]);
  }
}

}  // namespace

void binary(BinaryOp op, const Extents& e, const float* a, const Extents& as, const float* b, const Extents& bs,
            float* out) {
  switch (op) {
    case BinaryOp::Add: return binary_loop(e, a, as, b, bs, out, [](float x, float y) { return x + y; });
    case BinaryOp::Sub: return binary_loop(e, a, as, b, bs, out, [](float x, float y) { return x - y; });
    case BinaryOp::Mul: return binary_loop(e, a, as, b, bs, out, [](float x, float y) { return x * y; });
  }
}

void fill(std::int64_t n, float value, float* dst) {
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (std::int64_t i = 0; i < n; ++i) dst[i] = value;
}

void axpy(std::int64_t n, float alpha, const float* x, float* y) {
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (std::int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void sum_to(const Extents& in_extents, const float* in, const Extents& out_stride, float alpha, float* out) {
  const Extents in_stride = contiguous_strides(in_extents);
  Extents kept{};
  std::vector<int> reduced;
  for (int d = 0; d < kMaxDims; ++d) {
    const bool reduce = out_stride[d] == 0 && in_extents[d] > 1;
    kept[d] = reduce ? 1 : in_extents[d];
    if (reduce) reduced.push_back(d);
  }
  const std::int64_t out_n = product(kept);
  const std::int64_t per_out = product(in_extents) / out_n;
#pragma omp parallel for if (product(in_extents) > kParallelThreshold)
  for (std::int64_t j = 0; j < out_n; ++j) {
    std::int64_t rest = j, in_base = 0, out_offset = 0;
    for (int d = kMaxDims - 1; d >= 0; --d) {
      const std::int64_t i = rest % kept[d];
      rest /= kept[d];
      in_base += i * in_stride[d];
      out_offset += i * out_stride[d];
    }
    double sum = 0.0;
    for (std::int64_t r = 0; r < per_out; ++r) {  // odometer over the reduced dimensions
      std::int64_t rr = r, offset = in_base;
      for (auto it = reduced.rbegin(); it != reduced.rend(); ++it) {
        offset += (rr % in_extents[*it]) * in_stride[*it];
        rr /= in_extents[*it];
      }
      sum += in[offset];
    }
    out[out_offset] += static_cast<float>(alpha * sum);
  }
}

void relu_forward(std::int64_t n, const float* x, float* y) {
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(std::int64_t n, const float* x, const float* dy, float* dx) {
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (std::int64_t i = 0; i < n; ++i) dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
}

void channel_bias_forward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* bias,
                          float* y) {
#pragma omp parallel for collapse(2) if (outer * channels * inner > kParallelThreshold)
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t c = 0; c < channels; ++c) {
      float* row = y + (o * channels + c) * inner;
      for (std::int64_t i = 0; i < inner; ++i) row[i] += bias[c];
    }
}

void channel_bias_backward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy,
                           float* dbias) {
#pragma omp parallel for if (outer * channels * inner > kParallelThreshold)
  for (std::int64_t c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (std::int64_t o = 0; o < outer; ++o) {
      const float* row = dy + (o * channels + c) * inner;
      for (std::int64_t i = 0; i < inner; ++i) sum += row[i];
    }
    dbias[c] += static_cast<float>(sum);
  }
}

}  // namespace ldd::kernels::cpu
