// Dense optical flow between two neighbouring sagittal slices: coarse-to-fine Horn-Schunck with
// warping (Horn & Schunck 1981; the pyramid and warps as in Brox et al. 2004, without their robust
// penalties). SegFlow warps each slice's vertebra proposals onto its neighbours with it.
// Runs on the device of its inputs through kernels/optical_flow.h.
#pragma once
#include "nn/tensor.h"

namespace ldd::segflow {

struct FlowOptions {
  float alpha = 0.03f;    // smoothness weight, for intensities scaled to [0, 1]
  int levels = 3;         // pyramid levels (fewer when the image gets smaller than 32 pixels); see RESULTS.md
  int warps = 3;          // re-linearisations per level
  int iterations = 60;    // Jacobi steps per warp
};

struct Flow {
  Tensor u, v;  // (rows, cols): image1 shows pixel x of image0 at x + (u, v); u along columns
};

// image0, image1: (rows, cols) on the same device. Both are scaled by their common maximum first.
Flow estimate_flow(const Tensor& image0, const Tensor& image1, const FlowOptions& options = {});

// out(x) = image(x + flow(x)), bilinear: brings image1's content (or masks) onto image0's grid.
Tensor warp(const Tensor& image, const Flow& flow);

}  // namespace ldd::segflow
