#include "kernels/cuda/conv2d.h"

#include <array>
#include <climits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "kernels/cuda/buffer.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/libraries.h"
#include "kernels/cuda/runtime.h"

namespace ldd::kernels::cuda {
namespace {

constexpr std::size_t kMaxWorkspace = std::size_t{1} << 30;
constexpr int kMaxAlgorithms = 16;

struct Choice {
  int algorithm = 0;
  cudnnMathType_t math = CUDNN_FMA_MATH;
  std::size_t workspace = 0;
};

// Descriptors of one convolution shape and the algorithm chosen for each pass, found on first use.
struct Plan {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  bool tf32 = false;
  std::optional<Choice> forward, backward_data, backward_filter;
};

int to_int(std::int64_t v) {
  LDD_CHECK(v <= INT_MAX, "conv2d on CUDA: extent " << v << " exceeds cuDNN's 32-bit int");
  return static_cast<int>(v);
}

std::unique_ptr<Plan> make_plan(const Conv2dGeometry& g, bool tf32) {
  auto p = std::make_unique<Plan>();
  p->tf32 = tf32;
  CUDNN_CHECK(cudnnCreateTensorDescriptor(&p->x));
  CUDNN_CHECK(cudnnCreateTensorDescriptor(&p->y));
  CUDNN_CHECK(cudnnCreateFilterDescriptor(&p->w));
  CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&p->conv));
  CUDNN_CHECK(cudnnSetTensor4dDescriptor(p->x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, to_int(g.batch), to_int(g.in_channels),
                                         to_int(g.in_h), to_int(g.in_w)));
  CUDNN_CHECK(cudnnSetTensor4dDescriptor(p->y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, to_int(g.batch), to_int(g.out_channels),
                                         to_int(g.out_h()), to_int(g.out_w())));
  CUDNN_CHECK(cudnnSetFilter4dDescriptor(p->w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, to_int(g.out_channels),
                                         to_int(g.in_channels), to_int(g.kernel_h), to_int(g.kernel_w)));
  CUDNN_CHECK(cudnnSetConvolution2dDescriptor(p->conv, to_int(g.pad_h), to_int(g.pad_w), to_int(g.stride_h),
                                              to_int(g.stride_w), 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  // FMA math excludes TF32 tensor cores, which cuDNN's default math would allow on sm_80 and later.
  CUDNN_CHECK(cudnnSetConvolutionMathType(p->conv, tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH));
  return p;
}

Plan& plan_for(const Conv2dGeometry& g) {
  static std::mutex mutex;
  static auto* plans = new std::map<std::array<std::int64_t, 12>, std::unique_ptr<Plan>>;  // never destroyed
  const bool tf32 = allow_tf32();
  const std::array<std::int64_t, 12> key{g.batch,    g.in_channels, g.in_h,     g.in_w,     g.out_channels, g.kernel_h,
                                         g.kernel_w, g.stride_h,    g.stride_w, g.pad_h,    g.pad_w,        tf32};
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = (*plans)[key];
  if (!slot) slot = make_plan(g, tf32);
  return *slot;
}

// The fastest usable result (cuDNN sorts them by time): it ran, fits the workspace limit and, when asked,
// is deterministic; failing that, the fastest non-deterministic one. Without TF32 the math type is forced
// to FMA whatever the result says: cuDNN reports "default math" for FP32, which on sm_80+ may mean TF32.
template <typename Perf>
std::optional<Choice> pick(const Perf* results, int count, bool tf32, bool prefer_deterministic) {
  for (const bool deterministic : {prefer_deterministic, false}) {
    for (int i = 0; i < count; ++i) {
      const Perf& r = results[i];
      if (r.status != CUDNN_STATUS_SUCCESS || r.memory > kMaxWorkspace) continue;
      if (deterministic && r.determinism != CUDNN_DETERMINISTIC) continue;
      return Choice{static_cast<int>(r.algo), tf32 ? r.mathType : CUDNN_FMA_MATH, r.memory};
    }
  }
  return std::nullopt;
}

template <typename Perf, typename Find, typename Heuristic>
Choice choose(const char* pass, const Plan& p, bool prefer_deterministic, Find find, Heuristic heuristic) {
  Perf results[kMaxAlgorithms];
  int count = 0;
  // The search runs every algorithm once on scratch memory it cudaMallocs itself: our cached blocks go
  // back to the driver first so it can try the workspace-hungry ones. The math type is the plan's (an
  // earlier pass may have left its choice on the shared descriptor). Its failed cudaMallocs leave a
  // sticky runtime error, cleared so the next launch check does not report it.
  release_cached_memory();
  CUDNN_CHECK(cudnnSetConvolutionMathType(p.conv, p.tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH));
  const cudnnStatus_t searched = find(kMaxAlgorithms, &count, results);
  cudaGetLastError();
  if (searched == CUDNN_STATUS_SUCCESS)
    if (auto c = pick(results, count, p.tf32, prefer_deterministic)) return *c;
  // The heuristics rank the algorithms without running them.
  const cudnnStatus_t ranked = heuristic(kMaxAlgorithms, &count, results);
  cudaGetLastError();
  CUDNN_CHECK(ranked);
  if (auto c = pick(results, count, p.tf32, prefer_deterministic)) return *c;
  LDD_FAIL("conv2d on CUDA: cuDNN offers no " << pass << " algorithm for this shape within "
                                             << (kMaxWorkspace >> 20) << " MiB of workspace");
}

const Choice& forward_choice(Plan& p) {
  if (!p.forward)
    p.forward = choose<cudnnConvolutionFwdAlgoPerf_t>(
        "forward", p, false,
        [&](int n, int* c, cudnnConvolutionFwdAlgoPerf_t* r) {
          return cudnnFindConvolutionForwardAlgorithm(cudnn(), p.x, p.w, p.conv, p.y, n, c, r);
        },
        [&](int n, int* c, cudnnConvolutionFwdAlgoPerf_t* r) {
          return cudnnGetConvolutionForwardAlgorithm_v7(cudnn(), p.x, p.w, p.conv, p.y, n, c, r);
        });
  return *p.forward;
}

const Choice& backward_data_choice(Plan& p) {
  if (!p.backward_data)
    p.backward_data = choose<cudnnConvolutionBwdDataAlgoPerf_t>(
        "backward-data", p, true,
        [&](int n, int* c, cudnnConvolutionBwdDataAlgoPerf_t* r) {
          return cudnnFindConvolutionBackwardDataAlgorithm(cudnn(), p.w, p.y, p.conv, p.x, n, c, r);
        },
        [&](int n, int* c, cudnnConvolutionBwdDataAlgoPerf_t* r) {
          return cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnn(), p.w, p.y, p.conv, p.x, n, c, r);
        });
  return *p.backward_data;
}

const Choice& backward_filter_choice(Plan& p) {
  if (!p.backward_filter)
    p.backward_filter = choose<cudnnConvolutionBwdFilterAlgoPerf_t>(
        "backward-filter", p, true,
        [&](int n, int* c, cudnnConvolutionBwdFilterAlgoPerf_t* r) {
          return cudnnFindConvolutionBackwardFilterAlgorithm(cudnn(), p.x, p.y, p.conv, p.w, n, c, r);
        },
        [&](int n, int* c, cudnnConvolutionBwdFilterAlgoPerf_t* r) {
          return cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnn(), p.x, p.y, p.conv, p.w, n, c, r);
        });
  return *p.backward_filter;
}

}  // namespace

void conv2d_forward(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* y) {
  Plan& p = plan_for(g);
  const Choice& c = forward_choice(p);
  DeviceBuffer<char> workspace(c.workspace);
  const float one = 1.0f, zero = 0.0f;
  CUDNN_CHECK(cudnnSetConvolutionMathType(p.conv, c.math));
  CUDNN_CHECK(cudnnConvolutionForward(cudnn(), &one, p.x, x, p.w, weight, p.conv,
                                      static_cast<cudnnConvolutionFwdAlgo_t>(c.algorithm), workspace.data(), c.workspace,
                                      &zero, p.y, y));
  if (bias) channel_bias_forward(g.batch, g.out_channels, g.out_h() * g.out_w(), bias, y);
}

void conv2d_backward_data(const Conv2dGeometry& g, const float* dy, const float* weight, float* dx) {
  Plan& p = plan_for(g);
  const Choice& c = backward_data_choice(p);
  DeviceBuffer<char> workspace(c.workspace);
  const float one = 1.0f;  // beta 1: accumulate into dx, as the contract says
  CUDNN_CHECK(cudnnSetConvolutionMathType(p.conv, c.math));
  CUDNN_CHECK(cudnnConvolutionBackwardData(cudnn(), &one, p.w, weight, p.y, dy, p.conv,
                                           static_cast<cudnnConvolutionBwdDataAlgo_t>(c.algorithm), workspace.data(),
                                           c.workspace, &one, p.x, dx));
}

void conv2d_backward_weight(const Conv2dGeometry& g, const float* x, const float* dy, float* dweight, float* dbias) {
  Plan& p = plan_for(g);
  const Choice& c = backward_filter_choice(p);
  DeviceBuffer<char> workspace(c.workspace);
  const float one = 1.0f;
  CUDNN_CHECK(cudnnSetConvolutionMathType(p.conv, c.math));
  CUDNN_CHECK(cudnnConvolutionBackwardFilter(cudnn(), &one, p.x, x, p.y, dy, p.conv,
                                             static_cast<cudnnConvolutionBwdFilterAlgo_t>(c.algorithm), workspace.data(),
                                             c.workspace, &one, p.w, dweight));
  if (dbias) channel_bias_backward(g.batch, g.out_channels, g.out_h() * g.out_w(), dy, dbias);
}

}  // namespace ldd::kernels::cuda
