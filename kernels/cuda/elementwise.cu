#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/launch.cuh"

namespace ldd::kernels::cuda {
namespace {

// std::array is not usable in device code; this is its plain twin.
struct Dims {
  long long v[kMaxDims];
};

Dims to_dims(const Extents& e) {
  Dims d{};
  for (int i = 0; i < kMaxDims; ++i) d.v[i] = e[i];
  return d;
}

__device__ float apply(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
  }
  return 0.0f;
}

__global__ void binary_kernel(BinaryOp op, Dims extents, long long n, const float* a, Dims as, const float* b,
                              Dims bs, float* out) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    long long rest = i, ao = 0, bo = 0;
    for (int d = kMaxDims - 1; d >= 0; --d) {
      const long long k = rest % extents.v[d];
      rest /= extents.v[d];
      ao += k * as.v[d];
      bo += k * bs.v[d];
    }
    out[i] = apply(op, a[ao], b[bo]);
  }
}

__global__ void fill_kernel(long long n, float value, float* dst) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    dst[i] = value;
}

__global__ void axpy_kernel(long long n, float alpha, const float* x, float* y) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    y[i] += alpha * x[i];
}

// One thread per output element; the reduced dimensions are walked like an odometer, in double.
__global__ void sum_to_kernel(Dims in_extents, Dims in_stride, Dims kept, Dims out_stride, long long out_n,
                              long long per_out, float alpha, const float* in, float* out) {
  const long long j = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (j >= out_n) return;
  long long rest = j, base = 0, out_offset = 0;
  for (int d = kMaxDims - 1; d >= 0; --d) {
    const long long k = rest % kept.v[d];
    rest /= kept.v[d];
    base += k * in_stride.v[d];
    out_offset += k * out_stride.v[d];
  }
  double sum = 0.0;
  for (long long r = 0; r < per_out; ++r) {
    long long rr = r, offset = base;
    for (int d = kMaxDims - 1; d >= 0; --d) {
      if (kept.v[d] != 1 || in_extents.v[d] == 1) continue;
      offset += (rr % in_extents.v[d]) * in_stride.v[d];
      rr /= in_extents.v[d];
    }
    sum += in[offset];
  }
  out[out_offset] += static_cast<float>(alpha * sum);
}

__global__ void relu_forward_kernel(long long n, const float* x, float* y) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

__global__ void relu_backward_kernel(long long n, const float* x, const float* dy, float* dx) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
}

__global__ void channel_bias_forward_kernel(long long n, long long channels, long long inner, const float* bias,
                                            float* y) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    y[i] += bias[(i / inner) % channels];
}

// One block per channel: threads stride over (outer, inner) and reduce in shared memory, in double.
__global__ void channel_bias_backward_kernel(long long outer, long long channels, long long inner,
                                             const float* dy, float* dbias) {
  __shared__ double partial[kBlockSize];
  const long long c = blockIdx.x;
  double sum = 0.0;
  for (long long e = threadIdx.x; e < outer * inner; e += blockDim.x) {
    const long long o = e / inner, i = e % inner;
    sum += dy[(o * channels + c) * inner + i];
  }
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) dbias[c] += static_cast<float>(partial[0]);
}

long long product(const Extents& e) {
  long long n = 1;
  for (auto v : e) n *= v;
  return n;
}

Extents contiguous_strides(const Extents& e) {
  Extents s{};
  long long step = 1;
  for (int d = kMaxDims - 1; d >= 0; --d) {
    s[d] = step;
    step *= e[d];
  }
  return s;
}

}  // namespace

void binary(BinaryOp op, const Extents& e, const float* a, const Extents& as, const float* b, const Extents& bs,
            float* out) {
  const long long n = product(e);
  binary_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(op, to_dims(e), n, a, to_dims(as), b, to_dims(bs), out);
  CUDA_CHECK_LAUNCH();
}

void fill(std::int64_t n, float value, float* dst) {
  fill_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, value, dst);
  CUDA_CHECK_LAUNCH();
}

void axpy(std::int64_t n, float alpha, const float* x, float* y) {
  axpy_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, alpha, x, y);
  CUDA_CHECK_LAUNCH();
}

void sum_to(const Extents& in_extents, const float* in, const Extents& out_stride, float alpha, float* out) {
  Extents kept{};
  for (int d = 0; d < kMaxDims; ++d) kept[d] = out_stride[d] == 0 && in_extents[d] > 1 ? 1 : in_extents[d];
  const long long out_n = product(kept);
  if (out_n == 0) return;  // an empty tensor: nothing to add to
  sum_to_kernel<<<blocks_for(out_n), kBlockSize, 0, stream()>>>(to_dims(in_extents), to_dims(contiguous_strides(in_extents)),
                                                              to_dims(kept), to_dims(out_stride), out_n,
                                                              product(in_extents) / out_n, alpha, in, out);
  CUDA_CHECK_LAUNCH();
}

void relu_forward(std::int64_t n, const float* x, float* y) {
  relu_forward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, x, y);
  CUDA_CHECK_LAUNCH();
}

void relu_backward(std::int64_t n, const float* x, const float* dy, float* dx) {
  relu_backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, x, dy, dx);
  CUDA_CHECK_LAUNCH();
}

void channel_bias_forward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* bias,
                          float* y) {
  const long long n = outer * channels * inner;
  channel_bias_forward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, channels, inner, bias, y);
  CUDA_CHECK_LAUNCH();
}

void channel_bias_backward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy,
                           float* dbias) {
  if (channels == 0) return;
  channel_bias_backward_kernel<<<static_cast<unsigned>(channels), kBlockSize, 0, stream()>>>(outer, channels, inner, dy, dbias);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
