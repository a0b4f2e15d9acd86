// Tensor basics and the autograd engine's mechanics: creation, devices, shape errors, accumulation,
// NoGrad, graph release, shared subexpressions.
#include <doctest/doctest.h>

#include <string>

#include "base/check.h"
#include "kernels/device.h"
#include "kernels/dispatch.h"
#include "nn/ops.h"

using namespace ldd;

namespace {

// The message of the ldd::Error that f throws; fails the test when f does not throw one.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("expected an ldd::Error");
  return {};
}

}  // namespace

TEST_CASE("tensors are created with the asked shape and values" * doctest::test_suite("smoke")) {
  const Tensor z = Tensor::zeros({2, 3});
  CHECK(z.shape() == Shape{2, 3});
  CHECK(z.numel() == 6);
  CHECK(z.device() == Device::CPU);
  CHECK(z.to_vector() == std::vector<float>(6, 0.0f));
  CHECK(Tensor::full({4}, 2.5f).to_vector() == std::vector<float>(4, 2.5f));
  const Tensor v = Tensor::from_vector({2, 2}, std::vector<float>{1, 2, 3, 4});
  CHECK(v.to_vector() == std::vector<float>{1, 2, 3, 4});
  CHECK(Tensor::full({1, 1}, 3.0f).item() == 3.0f);
  CHECK(Shape{2, 3, 4}.str() == "[2, 3, 4]");
  CHECK(Shape{}.numel() == 1);
  CHECK(Shape{2, 3, 4}[-1] == 4);
}

TEST_CASE("bad shapes and uses get errors that name the shapes" * doctest::test_suite("smoke")) {
  CHECK(error_of([] { Shape{1, 2, 3, 4, 5, 6}; }).find("at most 5 dimensions") != std::string::npos);
  CHECK(error_of([] { Shape{2, 0}; }).find("[2, 0]") != std::string::npos);
  CHECK(error_of([] { Tensor::from_vector({2, 2}, std::vector<float>{1, 2, 3}); }).find("[2, 2]") != std::string::npos);
  const auto msg = error_of([] { add(Tensor::zeros({2, 3}), Tensor::zeros({4, 3})); });
  CHECK(msg.find("add: shapes [2, 3] and [4, 3] do not broadcast") != std::string::npos);
  CHECK(error_of([] { matmul(Tensor::zeros({2, 3}), Tensor::zeros({2, 3})); }).find("[2, 3] x [2, 3]") != std::string::npos);
  CHECK(error_of([] { conv2d(Tensor::zeros({1, 3, 8, 8}), Tensor::zeros({4, 2, 3, 3})); }).find("agree on C") !=
        std::string::npos);
  CHECK(error_of([] { conv2d(Tensor::zeros({1, 1, 2, 2}), Tensor::zeros({1, 1, 5, 5})); }).find("larger than") !=
        std::string::npos);
  CHECK(error_of([] { reshape(Tensor::zeros({2, 3}), {4, 2}); }).find("cannot view [2, 3]") != std::string::npos);
  CHECK(error_of([] { Tensor::zeros({2}).item(); }).find("one-element") != std::string::npos);
  CHECK(error_of([] { Tensor().shape(); }).find("undefined Tensor") != std::string::npos);
  CHECK(error_of([] { cross_entropy(Tensor::zeros({2, 3}), {0, 3}); }).find("target 3 of row 1") != std::string::npos);
  CHECK(error_of([] { max_pool2d(Tensor::zeros({1, 1, 4, 4}), {.kernel_h = 2, .kernel_w = 2, .pad_h = 2}); })
            .find("at most half the kernel") != std::string::npos);
  CHECK(error_of([] { dropout(Tensor::zeros({3}), 1.0f, true); }).find("[0, 1)") != std::string::npos);
}

TEST_CASE("a CUDA tensor without a usable device is a clear error / never a crash" * doctest::test_suite("smoke")) {
  if (kernels::cuda_available()) {
    MESSAGE("a GPU is present; the no-device error cannot be provoked here");
    return;
  }
  const auto msg = error_of([] { Tensor::zeros({2, 2}, Device::CUDA); });
  CHECK(msg.find("no CUDA device") != std::string::npos);
  CHECK(error_of([] { Tensor::zeros({2}).to(Device::CUDA); }).find("no CUDA device") != std::string::npos);
  CHECK(!kernels::supports(kernels::Op::Conv2d, Device::CUDA));
  CHECK(kernels::supports(kernels::Op::Conv2d, Device::CPU));
}

TEST_CASE("gradients accumulate across backward calls and into shared inputs" * doctest::test_suite("smoke")) {
  Tensor x = Tensor::from_vector({3}, std::vector<float>{1, -2, 3}).set_requires_grad();
  // y = sum(x * x + x): x feeds two ops, so its gradient gathers from both paths: 2x + 1.
  sum(add(mul(x, x), x)).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{3, -3, 7});
  sum(mul(x, x)).backward();  // a second graph adds 2x on top
  CHECK(x.grad().to_vector() == std::vector<float>{5, -7, 13});
  x.set_grad(Tensor());
  CHECK(!x.grad().defined());
}

TEST_CASE("NoGrad records nothing and leaves that do not need gradients get none") {
  Tensor w = Tensor::full({2}, 2.0f).set_requires_grad();
  const Tensor c = Tensor::full({2}, 3.0f);
  {
    NoGrad guard;
    const Tensor y = mul(w, c);
    CHECK(!y.requires_grad());
    CHECK(!grad_enabled());
  }
  CHECK(grad_enabled());
  const Tensor y = sum(mul(w, c));
  CHECK(y.requires_grad());
  CHECK(!y.is_leaf());
  y.backward();
  CHECK(w.grad().to_vector() == std::vector<float>{3, 3});
  CHECK(!c.grad().defined());
}

TEST_CASE("the graph is released after backward and a second pass is refused") {
  Tensor x = Tensor::full({2}, 1.0f).set_requires_grad();
  const Tensor hidden = mul(x, x);
  const Tensor loss = sum(hidden);
  std::weak_ptr<TensorImpl> watch = hidden.impl();
  loss.backward();
  CHECK(hidden.is_leaf());  // its node (and what the node saved) is gone
  CHECK(error_of([&] { loss.backward(); }).find("twice") != std::string::npos);
  CHECK(error_of([] { Tensor::zeros({2}).backward(Tensor::zeros({2})); }).find("does not require grad") !=
        std::string::npos);
  CHECK(error_of([&] { sum(mul(x, x)).backward(Tensor::zeros({3})); }).find("[3]") != std::string::npos);
  CHECK(error_of([&] { mul(x, x).set_requires_grad(); }).find("only leaf") != std::string::npos);
  CHECK(!watch.expired());  // `hidden` still holds it; no dangling
}

TEST_CASE("a deep chain backpropagates without recursion limits") {
  Tensor x = Tensor::full({1}, 1.0f).set_requires_grad();
  Tensor y = x;
  const Tensor one = Tensor::full({1}, 1.0f);
  for (int i = 0; i < 20000; ++i) y = add(y, one);
  sum(y).backward();
  CHECK(x.grad().item() == 1.0f);
}

TEST_CASE("seeded generators repeat and different seeds differ") {
  manual_seed(5);
  const auto a = normal({64}, 0.0f, 1.0f).to_vector();
  manual_seed(5);
  const auto b = normal({64}, 0.0f, 1.0f).to_vector();
  CHECK(a == b);
  manual_seed(6);
  CHECK(normal({64}, 0.0f, 1.0f).to_vector() != a);
  Generator g(3);
  double mean_sum = 0.0, sq = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const double v = g.normal();
    mean_sum += v;
    sq += v * v;
  }
  CHECK(std::abs(mean_sum / 20000) < 0.03);
  CHECK(std::abs(sq / 20000 - 1.0) < 0.05);
}

TEST_CASE("the same seed gives bit-identical forward and backward results" * doctest::test_suite("smoke")) {
  auto run = [] {
    Generator gen(77);
    Tensor x = uniform({4, 3, 12, 12}, -1.0f, 1.0f, gen);
    Tensor w = normal({8, 3, 3, 3}, 0.0f, 0.1f, gen).set_requires_grad();
    Tensor b = Tensor::zeros({8}).set_requires_grad();
    Tensor h = max_pool2d(local_response_norm(relu(conv2d(x, w, b, {.pad_h = 1, .pad_w = 1})), {}),
                          {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2});
    Tensor fc = normal({3, h.numel() / 4}, 0.0f, 0.05f, gen).set_requires_grad();
    Tensor logits = linear(dropout(flatten(h), 0.5f, true, gen), fc);
    Tensor loss = cross_entropy(logits, {0, 2, 1, 2});
    loss.backward();
    auto out = w.grad().to_vector();
    out.push_back(loss.item());
    return out;
  };
  CHECK(run() == run());
}
