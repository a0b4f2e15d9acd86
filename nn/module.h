// Module: a layer or model with named parameters, named children and a train/eval mode, as in PyTorch.
// Parameter names are dotted paths ("conv1.weight", "features.0.bias") in registration order; they
// are the names checkpoints store and optimizers key their state by.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/tensor.h"

namespace ldd {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  virtual ~Module() = default;
  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  NamedTensors named_parameters() const;
  std::vector<Tensor> parameters() const;
  // Sets the mode of this module and every descendant (dropout is active only in training).
  void train(bool training = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Data-parallel training (one shard of each batch per process): the row of the whole batch that this
  // module's input starts at, set on every descendant. Dropout draws the whole batch's mask at those rows,
  // so the shards together drop what one process would.
  void set_batch_offset(std::int64_t first_row);
  std::int64_t batch_offset() const { return batch_offset_; }
  // Clears every parameter's gradient.
  void zero_grad();
  // Moves every parameter to `device` (parameters stay leaves that require grad).
  void to(Device device);

 protected:
  // Registers a leaf that requires grad; the returned reference stays valid for the module's life.
  Tensor& register_parameter(const std::string& name, Tensor value);
  void register_module(const std::string& name, std::shared_ptr<Module> child);

 private:
  std::vector<std::pair<std::string, std::unique_ptr<Tensor>>> parameters_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
  std::int64_t batch_offset_ = 0;
};

}  // namespace ldd
