// The stream every ldd kernel, copy and library call of this process is queued on. One stream, created
// blocking (it waits for the legacy default stream and vice versa), so work is ordered as it was issued
// and the caching allocator may hand a freed block to the next op without an event.
#pragma once
#include <cuda_runtime.h>

namespace ldd::kernels::cuda {

cudaStream_t stream();

}  // namespace ldd::kernels::cuda
