// Tensor: a float32, contiguous, up-to-5-D array on one device, with reverse-mode autograd.
// A Tensor is a cheap handle: copies share storage and graph. Moving between devices is explicit (to()).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kernels/device.h"
#include "nn/shape.h"

namespace ldd {

struct TensorImpl;

class Tensor {
 public:
  Tensor() = default;  // undefined: no storage

  static Tensor empty(const Shape& shape, Device device = Device::CPU);  // contents unspecified
  static Tensor zeros(const Shape& shape, Device device = Device::CPU);
  static Tensor full(const Shape& shape, float value, Device device = Device::CPU);
  // Copies host values; their count must equal shape.numel().
  static Tensor from_vector(const Shape& shape, std::span<const float> values, Device device = Device::CPU);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int rank() const { return shape().rank(); }
  std::int64_t numel() const { return shape().numel(); }
  std::int64_t size(int axis) const { return shape()[axis]; }
  Device device() const;

  // Raw storage on device(): host memory for CPU tensors, device memory for CUDA tensors.
  float* data();
  const float* data() const;
  // Host copy of the values, from any device.
  std::vector<float> to_vector() const;
  // The single value of a one-element tensor.
  float item() const;

  // A copy on `device` (this tensor itself when it is already there); gradients flow back across.
  Tensor to(Device device) const;
  // Overwrites this tensor's values with src's (same shape, any device). Not recorded by autograd:
  // for initialisers, optimizers and checkpoint loading.
  void assign(const Tensor& src);

  // Autograd. Only leaves (tensors no op produced) may be marked as requiring a gradient.
  bool requires_grad() const;
  Tensor& set_requires_grad(bool enabled = true);
  bool is_leaf() const;
  // The accumulated gradient: undefined until a backward() reaches this tensor.
  Tensor grad() const;
  // Replaces the accumulated gradient (shape and device must match); set an undefined Tensor to clear it.
  void set_grad(const Tensor& grad);
  // Backpropagates from a one-element tensor (seed 1), or with an explicit gradient of this shape.
  // Gradients accumulate (+=) into leaves; the graph's saved tensors are freed afterwards.
  void backward() const;
  void backward(const Tensor& grad_output) const;
  // Same storage, no graph: the result is a leaf that does not require grad.
  Tensor detach() const;

  // For autograd internals and tests of identity.
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Throws ldd::Error naming `op` when the two tensors differ in shape or device.
void check_same_shape(const char* op, const Tensor& a, const Tensor& b);
void check_same_device(const char* op, const Tensor& a, const Tensor& b);

}  // namespace ldd
