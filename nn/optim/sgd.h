// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay (PyTorch's rule).
#pragma once
#include "nn/optim/optimizer.h"

namespace ldd {

struct SgdOptions {
  double learning_rate = 0.01;
  double momentum = 0.9;
  double dampening = 0.0;
  double weight_decay = 5e-4;
  bool nesterov = false;
};

class Sgd : public Optimizer {
 public:
  Sgd(NamedTensors parameters, const SgdOptions& options);
  std::string kind() const override { return "sgd"; }
  std::string describe() const override;

 protected:
  void update(Tensor& parameter, const Tensor& grad, std::vector<Tensor>& buffers) override;

 private:
  SgdOptions options_;
};

}  // namespace ldd
