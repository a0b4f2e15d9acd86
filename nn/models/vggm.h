// VGG-M (Chatfield et al. 2014, "Return of the Devil in the Details"), as DESIGN.md fixes it:
//   conv1 96x7x7/2 + ReLU + LRN + maxpool 3/2;  conv2 256x5x5/2 pad 1 + ReLU + LRN + maxpool 3/2;
//   conv3-5 512x3x3 pad 1 + ReLU;  maxpool 3/2;  fc6, fc7 (ReLU, dropout);  fc8 = classes.
// LRN: size 5, alpha 1e-4 per element (5e-4 in our Caffe/cuDNN convention), beta 0.75, k 2.
// Pooling rounds up (ceil mode) as Caffe, where VGG-M was trained, does; that also lets inputs down to
// 64 x 64 keep a 3x3 window at pool5. Input channels are the crop's slices. Parameter names match
// PyTorch's state_dict for the same layer names ("conv1.weight", ..., "fc8.bias").
#pragma once
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "nn/init.h"
#include "nn/layers.h"

namespace ldd {

struct VggMConfig {
  std::int64_t in_channels = 9;  // slices
  std::int64_t height = 112, width = 112;
  std::int64_t classes = 5;
  std::array<std::int64_t, 5> conv_channels{96, 256, 512, 512, 512};
  std::int64_t fc_width = 4096;  // fc6 and fc7
  float dropout = 0.5f;
  LrnOptions lrn{.size = 5, .alpha = 5e-4f, .beta = 0.75f, .k = 2.0f};

  // "key=value" lines, the form checkpoints store.
  std::string describe() const;
  // Throws naming the field when a value is out of range or the input is too small for the network.
  void validate() const;
};

class VggM : public Sequential {
 public:
  // Builds the layers and initialises them from `gen`.
  VggM(const VggMConfig& config, InitScheme init, Generator& gen);
  const VggMConfig& config() const { return config_; }
  // (channels, height, width) entering fc6.
  std::array<std::int64_t, 3> feature_shape() const;
  // Multiply-adds x 2 of one image's forward pass, in total and per conv / fc layer (by layer name).
  double forward_flops() const;
  std::vector<std::pair<std::string, double>> layer_forward_flops() const;

 private:
  VggMConfig config_;
};

}  // namespace ldd
