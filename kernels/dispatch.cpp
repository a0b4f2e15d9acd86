// Every kernel call passes through here: the only file that knows which twins exist.
#include "kernels/dispatch.h"

#include "base/check.h"
#include "kernels/conv2d.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/crop_resize.h"
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/lrn.h"
#include "kernels/cpu/optical_flow.h"
#include "kernels/cpu/optim.h"
#include "kernels/cpu/pool2d.h"
#include "kernels/cpu/resample.h"
#include "kernels/cpu/softmax.h"
#include "kernels/crop_resize.h"
#include "kernels/optical_flow.h"
#include "kernels/optim.h"
#include "kernels/resample.h"
#if LDD_HAS_CUDA
#include "kernels/cuda/conv2d.h"
#include "kernels/cuda/crop_resize.h"
#include "kernels/cuda/dropout.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/lrn.h"
#include "kernels/cuda/optical_flow.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/pool2d.h"
#include "kernels/cuda/resample.h"
#include "kernels/cuda/softmax.h"
#endif

namespace ldd::kernels {

const char* to_string(Op op) {
  switch (op) {
    case Op::Fill: return "fill";
    case Op::Axpy: return "axpy";
    case Op::Binary: return "binary elementwise";
    case Op::SumTo: return "sum_to";
    case Op::Relu: return "relu";
    case Op::ChannelBias: return "channel bias";
    case Op::Gemm: return "gemm";
    case Op::Conv2d: return "conv2d";
    case Op::MaxPool2d: return "max_pool2d";
    case Op::Lrn: return "lrn";
    case Op::Dropout: return "dropout";
    case Op::LogSoftmax: return "log_softmax";
    case Op::CrossEntropy: return "cross_entropy";
    case Op::SgdUpdate: return "sgd_update";
    case Op::AdamUpdate: return "adam_update";
    case Op::SumSquares: return "sum_squares";
    case Op::Scale: return "scale";
    case Op::CropResize: return "crop_resize";
    case Op::OpticalFlow: return "optical flow";
    case Op::UpsampleNearest: return "upsample_nearest";
    case Op::CopyChannels: return "concatenate channels";
    case Op::BinaryCrossEntropy: return "binary_cross_entropy";
  }
  return "?";
}

bool supports(Op, Device device) { return device == Device::CPU || (LDD_HAS_CUDA && cuda_available()); }

void require(Op op, Device device) {
  if (supports(op, device)) return;
  LDD_FAIL("op '" << to_string(op) << "' on CUDA: no CUDA device can be used: " << cuda_unavailable_reason());
}

#if LDD_HAS_CUDA
#define LDD_CUDA_CASE(call) return cuda::call
#else
#define LDD_CUDA_CASE(call) break
#endif

// Routes a call with a CUDA twin; require() has already refused a device that cannot run it.
#define LDD_ROUTE(op, device, call) \
  require(op, device);              \
  switch (device) {                 \
    case Device::CPU: return cpu::call; \
    case Device::CUDA: LDD_CUDA_CASE(call); \
  }                                 \
  LDD_FAIL("unreachable device")

void binary(Device d, BinaryOp op, const Extents& e, const float* a, const Extents& as, const float* b,
            const Extents& bs, float* out) {
  LDD_ROUTE(Op::Binary, d, binary(op, e, a, as, b, bs, out));
}
void fill(Device d, std::int64_t n, float value, float* dst) { LDD_ROUTE(Op::Fill, d, fill(n, value, dst)); }
void axpy(Device d, std::int64_t n, float alpha, const float* x, float* y) {
  LDD_ROUTE(Op::Axpy, d, axpy(n, alpha, x, y));
}
void sum_to(Device d, const Extents& in_extents, const float* in, const Extents& out_stride, float alpha,
            float* out) {
  LDD_ROUTE(Op::SumTo, d, sum_to(in_extents, in, out_stride, alpha, out));
}
void relu_forward(Device d, std::int64_t n, const float* x, float* y) {
  LDD_ROUTE(Op::Relu, d, relu_forward(n, x, y));
}
void relu_backward(Device d, std::int64_t n, const float* x, const float* dy, float* dx) {
  LDD_ROUTE(Op::Relu, d, relu_backward(n, x, dy, dx));
}
void channel_bias_forward(Device d, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                          const float* bias, float* y) {
  LDD_ROUTE(Op::ChannelBias, d, channel_bias_forward(outer, channels, inner, bias, y));
}
void channel_bias_backward(Device d, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                           const float* dy, float* dbias) {
  LDD_ROUTE(Op::ChannelBias, d, channel_bias_backward(outer, channels, inner, dy, dbias));
}

void crop_resize_forward(Device d, const CropGeometry& g, const float* volume, const OrientedBox* boxes, float* out) {
  LDD_ROUTE(Op::CropResize, d, crop_resize_forward(g, volume, boxes, out));
}
void crop_resize_backward(Device d, const CropGeometry& g, const float* dout, const OrientedBox* boxes, float* dvolume) {
  LDD_ROUTE(Op::CropResize, d, crop_resize_backward(g, dout, boxes, dvolume));
}

void warp_bilinear(Device d, Plane p, const float* image, const float* u, const float* v, float* out) {
  LDD_ROUTE(Op::OpticalFlow, d, warp_bilinear(p, image, u, v, out));
}
void downsample2(Device d, Plane in, const float* image, float* out) { LDD_ROUTE(Op::OpticalFlow, d, downsample2(in, image, out)); }
void upsample(Device d, Plane coarse, const float* image, Plane out, float scale, float* result) {
  LDD_ROUTE(Op::OpticalFlow, d, upsample(coarse, image, out, scale, result));
}
void flow_derivatives(Device d, Plane p, const float* image0, const float* warped1, float* ix, float* iy, float* it) {
  LDD_ROUTE(Op::OpticalFlow, d, flow_derivatives(p, image0, warped1, ix, iy, it));
}
void horn_schunck_step(Device d, Plane p, float alpha_squared, const float* ix, const float* iy, const float* it,
                       const float* u0, const float* v0, const float* u, const float* v, float* u_next, float* v_next) {
  LDD_ROUTE(Op::OpticalFlow, d, horn_schunck_step(p, alpha_squared, ix, iy, it, u0, v0, u, v, u_next, v_next));
}

float binary_cross_entropy_forward(Device d, std::int64_t n, const float* logits, const std::uint8_t* targets,
                                   std::uint8_t ignore) {
  LDD_ROUTE(Op::BinaryCrossEntropy, d, binary_cross_entropy_forward(n, logits, targets, ignore));
}
void binary_cross_entropy_backward(Device d, std::int64_t n, const float* logits, const std::uint8_t* targets,
                                   std::uint8_t ignore, float dloss, float* dlogits) {
  LDD_ROUTE(Op::BinaryCrossEntropy, d, binary_cross_entropy_backward(n, logits, targets, ignore, dloss, dlogits));
}

void upsample_nearest_forward(Device d, std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* x,
                              float* y) {
  LDD_ROUTE(Op::UpsampleNearest, d, upsample_nearest_forward(planes, h, w, factor, x, y));
}
void upsample_nearest_backward(Device d, std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* dy,
                               float* dx) {
  LDD_ROUTE(Op::UpsampleNearest, d, upsample_nearest_backward(planes, h, w, factor, dy, dx));
}
void copy_channels(Device d, std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x, std::int64_t total,
                   std::int64_t offset, float* y) {
  LDD_ROUTE(Op::CopyChannels, d, copy_channels(outer, channels, inner, x, total, offset, y));
}
void copy_channels_backward(Device d, std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy,
                            std::int64_t total, std::int64_t offset, float* dx) {
  LDD_ROUTE(Op::CopyChannels, d, copy_channels_backward(outer, channels, inner, dy, total, offset, dx));
}

void gemm(Device d, const GemmArgs& args) { LDD_ROUTE(Op::Gemm, d, gemm(args)); }

void conv2d_forward(Device d, const Conv2dGeometry& g, const float* x, const float* w, const float* b, float* y) {
  validate(g);
  LDD_ROUTE(Op::Conv2d, d, conv2d_forward(g, x, w, b, y));
}
void conv2d_backward_data(Device d, const Conv2dGeometry& g, const float* dy, const float* w, float* dx) {
  validate(g);
  LDD_ROUTE(Op::Conv2d, d, conv2d_backward_data(g, dy, w, dx));
}
void conv2d_backward_weight(Device d, const Conv2dGeometry& g, const float* x, const float* dy, float* dw,
                            float* db) {
  validate(g);
  LDD_ROUTE(Op::Conv2d, d, conv2d_backward_weight(g, x, dy, dw, db));
}

void max_pool2d_forward(Device d, const Pool2dGeometry& g, const float* x, float* y) {
  validate(g);
  LDD_ROUTE(Op::MaxPool2d, d, max_pool2d_forward(g, x, y));
}
void max_pool2d_backward(Device d, const Pool2dGeometry& g, const float* x, const float* dy, float* dx) {
  validate(g);
  LDD_ROUTE(Op::MaxPool2d, d, max_pool2d_backward(g, x, dy, dx));
}

void lrn_forward(Device d, const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                 const float* x, float* y, float* scale) {
  LDD_ROUTE(Op::Lrn, d, lrn_forward(p, outer, channels, inner, x, y, scale));
}
void lrn_backward(Device d, const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                  const float* x, const float* y, const float* scale, const float* dy, float* dx) {
  LDD_ROUTE(Op::Lrn, d, lrn_backward(p, outer, channels, inner, x, y, scale, dy, dx));
}

void dropout_forward(Device d, std::int64_t n, float p, std::uint64_t seed, const float* x, float* y) {
  LDD_ROUTE(Op::Dropout, d, dropout_forward(n, p, seed, x, y));
}
void dropout_backward(Device d, std::int64_t n, float p, std::uint64_t seed, const float* dy, float* dx) {
  LDD_ROUTE(Op::Dropout, d, dropout_backward(n, p, seed, dy, dx));
}

void log_softmax_forward(Device d, std::int64_t rows, std::int64_t classes, const float* x, float* y) {
  LDD_ROUTE(Op::LogSoftmax, d, log_softmax_forward(rows, classes, x, y));
}
void log_softmax_backward(Device d, std::int64_t rows, std::int64_t classes, const float* y, const float* dy,
                          float* dx) {
  LDD_ROUTE(Op::LogSoftmax, d, log_softmax_backward(rows, classes, y, dy, dx));
}
float cross_entropy_forward(Device d, const CrossEntropyArgs& args) {
  LDD_ROUTE(Op::CrossEntropy, d, cross_entropy_forward(args));
}
void cross_entropy_backward(Device d, const CrossEntropyArgs& args, float dloss, float* dlogits) {
  LDD_ROUTE(Op::CrossEntropy, d, cross_entropy_backward(args, dloss, dlogits));
}


void sgd_update(Device d, const SgdArgs& args, float* param, const float* grad, float* momentum_buffer) {
  LDD_ROUTE(Op::SgdUpdate, d, sgd_update(args, param, grad, momentum_buffer));
}
void adam_update(Device d, const AdamArgs& args, float* param, const float* grad, float* exp_avg, float* exp_avg_sq) {
  LDD_ROUTE(Op::AdamUpdate, d, adam_update(args, param, grad, exp_avg, exp_avg_sq));
}
double sum_squares(Device d, std::int64_t n, const float* x) { LDD_ROUTE(Op::SumSquares, d, sum_squares(n, x)); }
void scale(Device d, std::int64_t n, float alpha, float* x) { LDD_ROUTE(Op::Scale, d, scale(n, alpha, x)); }

}  // namespace ldd::kernels
