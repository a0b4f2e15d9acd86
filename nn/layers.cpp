#include "nn/layers.h"

#include "nn/ops/dropout.h"
#include "nn/ops/elementwise.h"
#include "nn/ops/linear.h"
#include "nn/ops/shape_ops.h"
#include "nn/profile.h"

namespace ldd {

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_h, std::int64_t kernel_w,
               const Conv2dOptions& options, bool bias)
    : options_(options),
      weight_(&register_parameter("weight", Tensor::zeros({out_channels, in_channels, kernel_h, kernel_w}))) {
  if (bias) bias_ = &register_parameter("bias", Tensor::zeros({out_channels}));
}

Tensor Conv2d::forward(const Tensor& x) { return conv2d(x, *weight_, bias_ ? *bias_ : Tensor(), options_); }

Linear::Linear(std::int64_t in_features, std::int64_t out_features, bool bias)
    : weight_(&register_parameter("weight", Tensor::zeros({out_features, in_features}))) {
  if (bias) bias_ = &register_parameter("bias", Tensor::zeros({out_features}));
}

Tensor Linear::forward(const Tensor& x) { return linear(x, *weight_, bias_ ? *bias_ : Tensor()); }

Tensor ReLU::forward(const Tensor& x) { return relu(x); }
Tensor LocalResponseNorm::forward(const Tensor& x) { return local_response_norm(x, options_); }
Tensor MaxPool2d::forward(const Tensor& x) { return max_pool2d(x, options_); }

Tensor Dropout::forward(const Tensor& x) {
  return dropout(x, p_, is_training(), generator_ ? *generator_ : default_generator(), batch_offset());
}

Tensor Flatten::forward(const Tensor& x) { return flatten(x, 1); }

Sequential& Sequential::add(const std::string& name, std::shared_ptr<Module> layer) {
  register_module(name, layer);
  layers_.emplace_back(name, std::move(layer));
  return *this;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (auto& [name, layer] : layers_) {
    ProfileScope scope(name);
    h = layer->forward(h);
  }
  return h;
}

}  // namespace ldd
