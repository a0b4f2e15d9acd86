// CUDA twins of kernels/optim.h: one fused pass per parameter; sum_squares as per-block double partials.
#pragma once
#include "kernels/optim.h"

namespace ldd::kernels::cuda {

void sgd_update(const SgdArgs& args, float* param, const float* grad, float* momentum_buffer);
void adam_update(const AdamArgs& args, float* param, const float* grad, float* exp_avg, float* exp_avg_sq);
double sum_squares(std::int64_t n, const float* x);
void scale(std::int64_t n, float alpha, float* x);

}  // namespace ldd::kernels::cuda
