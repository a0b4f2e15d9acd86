#include "nn/autograd.h"

#include <unordered_set>
#include <utility>

#include "base/check.h"
#include "base/clock.h"
#include "kernels/dispatch.h"
#include "kernels/elementwise.h"
#include "nn/profile.h"

namespace ldd {
namespace {

thread_local bool recording = true;

// Post-order walk from the root: every tensor comes after the tensors it was computed from.
std::vector<std::shared_ptr<TensorImpl>> topological_order(const std::shared_ptr<TensorImpl>& root) {
  std::vector<std::shared_ptr<TensorImpl>> order;
  std::unordered_set<const TensorImpl*> seen{root.get()};
  std::vector<std::pair<std::shared_ptr<TensorImpl>, std::size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [impl, next] = stack.back();
    const auto* inputs = impl->grad_fn ? &impl->grad_fn->inputs : nullptr;
    if (inputs && next < inputs->size()) {
      const auto& child = (*inputs)[next++].impl();
      if (child->requires_grad && seen.insert(child.get()).second) stack.emplace_back(child, 0);
      continue;
    }
    order.push_back(impl);
    stack.pop_back();
  }
  return order;
}

}  // namespace

Storage::Storage(Device d, std::size_t n)
    : device(d), data(static_cast<float*>(kernels::allocate(d, n * sizeof(float)))), count(n) {}

Storage::~Storage() { kernels::release(device, data, count * sizeof(float)); }

Tensor& Node::grad_for(std::size_t i) {
  TensorImpl& impl = *inputs[i].impl();
  if (!impl.grad.defined()) impl.grad = Tensor::zeros(impl.shape, impl.storage->device);
  return impl.grad;
}

bool grad_enabled() { return recording; }
NoGrad::NoGrad() : previous_(recording) { recording = false; }
NoGrad::~NoGrad() { recording = previous_; }

Tensor attach(Tensor out, const char* name, std::vector<Tensor> inputs, BackwardFn backward) {
  if (!recording) return out;
  bool any = false;
  for (const auto& in : inputs) any = any || in.requires_grad();
  if (!any) return out;
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  if (Profiler::active()) node->layer = ProfileScope::current();
  out.impl()->grad_fn = std::move(node);
  out.impl()->requires_grad = true;
  return out;
}

void Tensor::backward() const {
  LDD_CHECK(numel() == 1, "backward() without a gradient needs a one-element tensor (a loss), got shape "
                              << shape() << "; pass grad_output of that shape instead");
  backward(Tensor::full(shape(), 1.0f, device()));
}

void Tensor::backward(const Tensor& grad_output) const {
  LDD_CHECK(!impl()->graph_released, "backward() through the same graph twice: its saved tensors were freed by "
                                     "the first backward; recompute the forward pass");
  LDD_CHECK(requires_grad(), "backward(): this tensor does not require grad; mark an input with "
                             "set_requires_grad() before computing it (and outside NoGrad)");
  check_same_shape("backward (grad_output)", *this, grad_output);
  check_same_device("backward (grad_output)", *this, grad_output);

  NoGrad no_recording;  // what backward closures compute is not itself differentiated
  const auto order = topological_order(impl());
  Node seed;
  seed.inputs = {*this};
  kernels::axpy(device(), numel(), 1.0f, grad_output.data(), seed.grad_for(0).data());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    TensorImpl& t = **it;
    if (!t.grad_fn || !t.grad.defined()) continue;
    Profiler* profiler = Profiler::active();
    const double start = profiler ? monotonic_seconds() : 0.0;
    t.grad_fn->backward(t.grad, *t.grad_fn);
    if (profiler) profiler->add_backward(t.grad_fn->layer, monotonic_seconds() - start);
  }
  for (const auto& impl : order) {
    if (!impl->grad_fn) continue;
    impl->grad_fn.reset();
    impl->grad = Tensor();
    impl->graph_released = true;
  }
}

}  // namespace ldd
