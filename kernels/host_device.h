// Marks a function both twins call: a host and device function under nvcc, a plain one elsewhere.
#pragma once

#if defined(__CUDACC__)
#define LDD_HOST_DEVICE __host__ __device__
#else
#define LDD_HOST_DEVICE
#endif
