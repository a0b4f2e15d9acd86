#include "kernels/cuda/gemm.h"

#include <climits>

#include "kernels/cuda/libraries.h"
#include "kernels/cuda/runtime.h"

namespace ldd::kernels::cuda {

// cuBLAS is column-major. A row-major matrix read column-major is its transpose, so the row-major
// C = op(A) op(B) is computed as the column-major C^T = op(B)^T op(A)^T: B and A swap places and keep
// their transpose flags.
void gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  for (const std::int64_t v : {g.m, g.n, g.k, g.lda, g.ldb, g.ldc})
    LDD_CHECK(v <= INT_MAX, "gemm on CUDA: extent or stride " << v << " exceeds cuBLAS's 32-bit int");
  CUBLAS_CHECK(cublasSetMathMode(cublas(), allow_tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  CUBLAS_CHECK(cublasSgemm(cublas(), g.transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, g.transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                           static_cast<int>(g.n), static_cast<int>(g.m), static_cast<int>(g.k), &g.alpha, g.b,
                           static_cast<int>(g.ldb), g.a, static_cast<int>(g.lda), &g.beta, g.c, static_cast<int>(g.ldc)));
}

}  // namespace ldd::kernels::cuda
