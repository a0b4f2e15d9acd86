#include "nn/tensor.h"

#include "base/check.h"
#include "kernels/dispatch.h"
#include "kernels/elementwise.h"
#include "nn/autograd.h"

namespace ldd {
namespace {

const TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl) {
  LDD_CHECK(impl != nullptr, "use of an undefined Tensor (default-constructed, or a gradient not computed yet)");
  return *impl;
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(device, static_cast<std::size_t>(shape.numel()));
  impl->shape = shape;
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, Device device) { return full(shape, 0.0f, device); }

Tensor Tensor::full(const Shape& shape, float value, Device device) {
  Tensor t = empty(shape, device);
  kernels::fill(device, t.numel(), value, t.data());
  return t;
}

Tensor Tensor::from_vector(const Shape& shape, std::span<const float> values, Device device) {
  LDD_CHECK(static_cast<std::int64_t>(values.size()) == shape.numel(),
            "from_vector: " << values.size() << " values cannot fill shape " << shape << " (" << shape.numel()
                            << " elements)");
  Tensor t = empty(shape, device);
  kernels::copy(device, t.data(), Device::CPU, values.data(), values.size() * sizeof(float));
  return t;
}

const Shape& Tensor::shape() const { return checked(impl_).shape; }
Device Tensor::device() const { return checked(impl_).storage->device; }
float* Tensor::data() { return checked(impl_).storage->data; }
const float* Tensor::data() const { return checked(impl_).storage->data; }

std::vector<float> Tensor::to_vector() const {
  std::vector<float> values(static_cast<std::size_t>(numel()));
  kernels::copy(Device::CPU, values.data(), device(), data(), values.size() * sizeof(float));
  return values;
}

float Tensor::item() const {
  LDD_CHECK(numel() == 1, "item() needs a one-element tensor, got shape " << shape());
  return to_vector()[0];
}

Tensor Tensor::to(Device target) const {
  const Device source = device();
  if (source == target) return *this;
  Tensor out = empty(shape(), target);
  kernels::copy(target, out.data(), source, data(), static_cast<std::size_t>(numel()) * sizeof(float));
  return attach(out, "to", {*this}, [source](const Tensor& g, Node& node) {
    const Tensor moved = g.to(source);
    kernels::axpy(source, moved.numel(), 1.0f, moved.data(), node.grad_for(0).data());
  });
}

void Tensor::assign(const Tensor& src) {
  check_same_shape("assign", *this, src);
  kernels::copy(device(), data(), src.device(), src.data(), static_cast<std::size_t>(numel()) * sizeof(float));
}

bool Tensor::requires_grad() const { return checked(impl_).requires_grad; }

Tensor& Tensor::set_requires_grad(bool enabled) {
  LDD_CHECK(is_leaf(), "set_requires_grad: only leaf tensors can be marked; this one was produced by '"
                           << impl_->grad_fn->name << "' (use detach() to make a leaf)");
  impl_->requires_grad = enabled;
  return *this;
}

bool Tensor::is_leaf() const { return checked(impl_).grad_fn == nullptr; }

Tensor Tensor::grad() const { return checked(impl_).grad; }

void Tensor::set_grad(const Tensor& grad) {
  checked(impl_);
  if (grad.defined()) {
    check_same_shape("set_grad", *this, grad);
    check_same_device("set_grad", *this, grad);
  }
  impl_->grad = grad;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = checked(impl_).storage;
  impl->shape = impl_->shape;
  return Tensor(std::move(impl));
}

void check_same_shape(const char* op, const Tensor& a, const Tensor& b) {
  LDD_CHECK(a.shape() == b.shape(), op << ": shapes " << a.shape() << " and " << b.shape() << " must be equal");
}

void check_same_device(const char* op, const Tensor& a, const Tensor& b) {
  LDD_CHECK(a.device() == b.device(), op << ": tensors are on " << to_string(a.device()) << " and "
                                         << to_string(b.device())
                                         << "; move one with .to(device) first");
}

}  // namespace ldd
