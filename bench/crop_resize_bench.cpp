// Oriented crop + resize on the CPU: the 5 disc regions of a 12 x 448 x 336 volume (rotated boxes, the
// paper's 1.5w x 2w cuboids for w ~ 60 px) resized to 9 x 112 x 112, as GB/s of output written, next to
// the machine's memcpy bandwidth. Args: {OpenMP threads}.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "bench/disc_boxes.h"
#include "kernels/crop_resize.h"
#include "nn/random.h"

namespace {

using namespace ldd;

void BM_crop_resize_discs(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  const kernels::CropGeometry g{12, 448, 336, 9, 112, 112, 5};
  Generator gen(1);
  std::vector<float> volume(12 * 448 * 336), out(5 * 9 * 112 * 112);
  for (auto& v : volume) v = static_cast<float>(gen.uniform());
  const auto boxes = bench::disc_boxes();
  for (auto _ : state) {
    kernels::crop_resize_forward(Device::CPU, g, volume.data(), boxes.data(), out.data());
    benchmark::ClobberMemory();
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(out.size() * sizeof(float)) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_crop_resize_discs)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()->Unit(benchmark::kMicrosecond);

// The copy ceiling for the same number of output bytes.
void BM_memcpy_same_bytes(benchmark::State& state) {
  std::vector<float> a(5 * 9 * 112 * 112, 1.0f), b(a.size());
  for (auto _ : state) {
    std::memcpy(b.data(), a.data(), a.size() * sizeof(float));
    benchmark::ClobberMemory();
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(a.size() * sizeof(float)) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_memcpy_same_bytes)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
