// The layers VGG-M and the SegFlow refinement network are built from: thin Modules over nn/ops.
// Parameters start at zero; nn/init.h fills them (models do so in their constructors).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.h"
#include "nn/ops/conv2d.h"
#include "nn/ops/lrn.h"
#include "nn/ops/pool.h"
#include "nn/random.h"

namespace ldd {

class Conv2d : public Module {
 public:
  // weight (out, in, kernel_h, kernel_w), bias (out)
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_h, std::int64_t kernel_w,
         const Conv2dOptions& options = {}, bool bias = true);
  Tensor forward(const Tensor& x) override;
  const Conv2dOptions& options() const { return options_; }

 private:
  Conv2dOptions options_;
  Tensor* weight_;
  Tensor* bias_ = nullptr;
};

class Linear : public Module {
 public:
  // weight (out, in), bias (out): y = x weight^T + bias
  Linear(std::int64_t in_features, std::int64_t out_features, bool bias = true);
  Tensor forward(const Tensor& x) override;

 private:
  Tensor* weight_;
  Tensor* bias_ = nullptr;
};

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
};

class LocalResponseNorm : public Module {
 public:
  explicit LocalResponseNorm(const LrnOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;

 private:
  LrnOptions options_;
};

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(const MaxPool2dOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;

 private:
  MaxPool2dOptions options_;
};

// Draws its masks from `generator`, or from the default generator when none is given.
class Dropout : public Module {
 public:
  explicit Dropout(float p, Generator* generator = nullptr) : p_(p), generator_(generator) {}
  Tensor forward(const Tensor& x) override;

 private:
  float p_;
  Generator* generator_;
};

// (N, ...) -> (N, prod(...))
class Flatten : public Module {
 public:
  Tensor forward(const Tensor& x) override;
};

// Runs named children in order; their names prefix their parameters' names.
class Sequential : public Module {
 public:
  Sequential& add(const std::string& name, std::shared_ptr<Module> layer);
  Tensor forward(const Tensor& x) override;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& layers() const { return layers_; }

 private:
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> layers_;
};

}  // namespace ldd
