// Adam (Kingma & Ba 2015) with L2 weight decay, and AdamW (Loshchilov & Hutter 2019) with decoupled
// weight decay; PyTorch's update rules and bias correction.
#pragma once
#include "nn/optim/optimizer.h"

namespace ldd {

struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // true: AdamW
};

class Adam : public Optimizer {
 public:
  Adam(NamedTensors parameters, const AdamOptions& options);
  std::string kind() const override { return options_.decoupled_weight_decay ? "adamw" : "adam"; }
  std::string describe() const override;

 protected:
  void update(Tensor& parameter, const Tensor& grad, std::vector<Tensor>& buffers) override;

 private:
  AdamOptions options_;
};

}  // namespace ldd
