// The GPU test binary: without a usable CUDA device every test exits with 77, which ctest reports as
// skipped (SKIP_RETURN_CODE), printing why; listing tests still works so ctest can discover them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <iostream>

#include "kernels/device.h"

int main(int argc, char** argv) {
  bool listing = false;
  for (int i = 1; i < argc; ++i) listing = listing || std::strncmp(argv[i], "--list", 6) == 0;
  if (!listing && !ldd::kernels::cuda_available()) {
    std::cout << "SKIPPED: no CUDA device: " << ldd::kernels::cuda_unavailable_reason() << "\n";
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
