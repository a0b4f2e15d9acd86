// Checks one differentiable op three ways against a double-precision reference forward:
//  1. the op's float32 output matches the reference output;
//  2. its analytic gradient of L = sum(out * R), R random, matches central finite differences of the
//     reference in float64;
//  3. backward accumulates: every input's gradient is pre-filled with 0.25 and must come back as
//     0.25 + the true gradient.
#pragma once
#include <functional>
#include <vector>

#include "nn/random.h"
#include "nn/tensor.h"
#include "tests/support/reference.h"

namespace ldd::testing {

using OpFn = std::function<Tensor(const std::vector<Tensor>&)>;
using ReferenceFn = std::function<reference::Values(const std::vector<reference::Values>&)>;

struct Tolerance {
  double forward = 1e-5;   // |ours - ref| <= forward * (1 + |ref|)
  double gradient = 2e-3;  // |analytic - numeric| <= gradient * (max|numeric| * 1e-2 + |numeric|) + 1e-5
  double epsilon = 1e-6;   // finite-difference step
};

// Random inputs of the given shapes (values in [-1, 1]), marked as requiring grad.
std::vector<Tensor> random_inputs(const std::vector<Shape>& shapes, Generator& gen);

void check_gradients(const std::vector<Tensor>& inputs, const OpFn& op, const ReferenceFn& ref,
                     const Tolerance& tolerance = {});

reference::Values to_double(const Tensor& t);

}  // namespace ldd::testing
