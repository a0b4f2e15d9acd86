// Optimizers update named parameters from their accumulated gradients. Their state (momentum buffers,
// Adam moments, the step count) is exposed by name so checkpoints can save and restore it exactly.
#pragma once
#include <cstdint>
#include <string>

#include "nn/module.h"

namespace ldd {

class Optimizer {
 public:
  explicit Optimizer(NamedTensors parameters, double learning_rate);
  virtual ~Optimizer() = default;

  // Updates every parameter that has a gradient; parameters without one are left as they are.
  void step();
  void zero_grad();
  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double lr) { learning_rate_ = lr; }
  std::int64_t steps() const { return steps_; }

  // "sgd", "adam" or "adamw", and the hyper-parameters as "key=value" lines (stored in checkpoints).
  virtual std::string kind() const = 0;
  virtual std::string describe() const = 0;
  // Named state buffers "<parameter>/<buffer>" (e.g. "conv1.weight/momentum").
  NamedTensors state() const;
  // Restores buffers and the step count; names and shapes must match state() exactly.
  void load_state(const NamedTensors& buffers, std::int64_t steps);

 protected:
  // Called by step() for each parameter with a gradient; `buffers` are that parameter's state.
  virtual void update(Tensor& parameter, const Tensor& grad, std::vector<Tensor>& buffers) = 0;
  // Adds a zero buffer named `name` for every parameter (call from the constructor).
  void add_buffer(const std::string& name);

 private:
  NamedTensors parameters_;
  std::vector<std::string> buffer_names_;
  std::vector<std::vector<Tensor>> buffers_;  // [parameter][buffer]
  double learning_rate_;
  std::int64_t steps_ = 0;
};

}  // namespace ldd
