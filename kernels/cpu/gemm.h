// CPU twin of kernels/gemm.h: Eigen's GEMM on row-major maps (Eigen threads it with OpenMP when called
// outside a parallel region and runs it single-threaded inside one).
#pragma once
#include "kernels/gemm.h"

namespace ldd::kernels::cpu {

void gemm(const GemmArgs& args);

}  // namespace ldd::kernels::cpu
