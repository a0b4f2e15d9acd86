// Grad-CAM of a disc grader's decision over its last convolutional block, in its element-wise form
// (HiResCAM, Draelos & Carin 2020): at each position of conv5's activations, the activations times the
// gradient of the explained score with respect to them, summed over channels; the positive part,
// upsampled bilinearly to the crop and scaled to [0, 1], is where in the crop the evidence for the score
// lies. The original Grad-CAM (Selvaraju et al. 2017) first averages each channel's gradient over the
// positions; VGG-M's conv features enter fully connected layers position by position, and there that
// average can point away from the evidence (tested: it peaked in a corner of a crop whose only sign was
// elsewhere); the element-wise map is what the score actually used.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/device.h"
#include "nn/models/disc_grader.h"

namespace ldd::train {

// One crop (slices x rows x cols, normalised as the dataset holds it). `grade` >= 0 explains log P(that
// grade); -1 explains log P(follow-up grade > baseline), for which `baseline` (a grade index) is required.
// `baseline` is also the side input of a model that takes one. Returns rows x cols; the model's gradients
// are left cleared.
// `covariates`: the disc's clinical covariates, for a model that takes them.
std::vector<float> grad_cam(DiscGrader& model, const float* crop, std::int64_t slices, std::int64_t rows, std::int64_t cols, int baseline,
                            int grade, const std::vector<float>& covariates = {}, Device device = Device::CPU);

}  // namespace ldd::train
