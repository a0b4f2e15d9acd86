// CPU twin of kernels/gemm.h: OpenBLAS's sgemm (OpenMP build), threaded when called outside a parallel
// region and single-threaded inside one.
#pragma once
#include "kernels/gemm.h"

namespace ldd::kernels::cpu {

void gemm(const GemmArgs& args);

}  // namespace ldd::kernels::cpu
