#include "kernels/cuda/libraries.h"

#include "kernels/cuda/stream.h"

namespace ldd::kernels::cuda {

// Created once and never destroyed (the device context); bound to the one stream.
cublasHandle_t cublas() {
  static const cublasHandle_t handle = [] {
    cublasHandle_t h = nullptr;
    CUBLAS_CHECK(cublasCreate(&h));
    CUBLAS_CHECK(cublasSetStream(h, stream()));
    return h;
  }();
  return handle;
}

cudnnHandle_t cudnn() {
  static const cudnnHandle_t handle = [] {
    cudnnHandle_t h = nullptr;
    CUDNN_CHECK(cudnnCreate(&h));
    CUDNN_CHECK(cudnnSetStream(h, stream()));
    return h;
  }();
  return handle;
}

}  // namespace ldd::kernels::cuda
