// The one place that decides CPU vs CUDA. Every kernel family is called with a Device and every op has a
// CPU and a CUDA twin; a call for a device that cannot run it (no GPU, or a CPU-only build) throws
// ldd::Error naming the op and the reason, so callers (and tests) can ask first.
#pragma once
#include "kernels/device.h"

namespace ldd::kernels {

enum class Op {
  Fill, Axpy, Binary, SumTo, Relu, ChannelBias, Gemm, Conv2d, MaxPool2d, Lrn, Dropout, LogSoftmax,
  CrossEntropy, SgdUpdate, AdamUpdate, SumSquares, Scale, CropResize,
  OpticalFlow, UpsampleNearest, CopyChannels, BinaryCrossEntropy,
};

const char* to_string(Op op);
bool supports(Op op, Device device);
// Throws ldd::Error with the reason when supports(op, device) is false.
void require(Op op, Device device);

}  // namespace ldd::kernels
