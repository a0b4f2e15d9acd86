#include "kernels/cpu/gemm.h"

#include <cblas.h>

namespace ldd::kernels::cpu {

// OpenBLAS, OpenMP build: it threads a call made outside a parallel region with our OpenMP pool and runs
// single-threaded inside one, so per-image GEMMs in an `omp for` do not oversubscribe the cores.
void gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  cblas_sgemm(CblasRowMajor, g.transpose_a ? CblasTrans : CblasNoTrans, g.transpose_b ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(g.m), static_cast<blasint>(g.n), static_cast<blasint>(g.k), g.alpha, g.a,
              static_cast<blasint>(g.lda), g.b, static_cast<blasint>(g.ldb), g.beta, g.c, static_cast<blasint>(g.ldc));
}

}  // namespace ldd::kernels::cpu
