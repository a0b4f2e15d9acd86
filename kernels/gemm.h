// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T.
// A is M x K after op, B is K x N after op; lda/ldb/ldc are row strides of the stored matrices.
// beta = 0 overwrites C (its old contents are never read); beta = 1 accumulates.
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

struct GemmArgs {
  bool transpose_a = false, transpose_b = false;
  std::int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  std::int64_t lda = 0;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  float beta = 0.0f;
  float* c = nullptr;
  std::int64_t ldc = 0;
};

void gemm(Device device, const GemmArgs& args);

}  // namespace ldd::kernels
