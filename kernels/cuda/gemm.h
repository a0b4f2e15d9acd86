// CUDA twin of kernels/gemm.h: cuBLAS SGEMM on the backend's stream (TF32 only when allow_tf32()).
#pragma once
#include "kernels/gemm.h"

namespace ldd::kernels::cuda {

void gemm(const GemmArgs& args);

}  // namespace ldd::kernels::cuda
