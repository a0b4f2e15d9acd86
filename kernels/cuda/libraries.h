// cuBLAS and cuDNN handles bound to the backend's stream, created on first use (cuDNN's takes about a
// second to load), and the checks that turn their status codes into ldd::Error.
#pragma once
#include <cublas_v2.h>
#include <cudnn.h>

#include "base/check.h"

namespace ldd::kernels::cuda {

cublasHandle_t cublas();
cudnnHandle_t cudnn();

}  // namespace ldd::kernels::cuda

#define CUBLAS_CHECK(call)                                                                            \
  do {                                                                                                \
    const cublasStatus_t ldd_cublas_status_ = (call);                                                 \
    LDD_CHECK(ldd_cublas_status_ == CUBLAS_STATUS_SUCCESS,                                            \
              "cuBLAS call " #call " failed: " << cublasGetStatusString(ldd_cublas_status_));         \
  } while (0)

#define CUDNN_CHECK(call)                                                                             \
  do {                                                                                                \
    const cudnnStatus_t ldd_cudnn_status_ = (call);                                                   \
    LDD_CHECK(ldd_cudnn_status_ == CUDNN_STATUS_SUCCESS,                                              \
              "cuDNN call " #call " failed: " << cudnnGetErrorString(ldd_cudnn_status_));             \
  } while (0)
