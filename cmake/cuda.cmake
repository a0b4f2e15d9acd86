# Decides whether the CUDA backend is built. LDD_HAS_CUDA is always defined (0 or 1) so code can test it
# with `#if` under -Wundef: a misspelt macro is an error, not a silent CPU-only build.
if(NOT LDD_CUDA MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "LDD_CUDA must be AUTO, ON or OFF, not '${LDD_CUDA}'")
endif()

set(LDD_HAS_CUDA 0)
if(NOT LDD_CUDA STREQUAL "OFF")
  # nvcc lives in /usr/local/cuda/bin, which is not on every PATH (CI, cron, a fresh login shell).
  if(NOT DEFINED CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # CMake 3.25 has no nvcc flag for C++20; the .cu files and the headers they include stay C++17.
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "80;90")
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(LDD_HAS_CUDA 1)
  elseif(LDD_CUDA STREQUAL "ON")
    message(FATAL_ERROR "LDD_CUDA=ON but no CUDA compiler (nvcc) was found; install the CUDA toolkit, "
                        "set CUDACXX, or configure with -DLDD_CUDA=OFF")
  else()
    message(STATUS "ldd: nvcc not found, building the CPU backend only")
  endif()
endif()
