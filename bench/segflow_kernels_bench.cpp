// SegFlow's two hot loops on a real-size slice (381 x 381, the lumbar-vb-t2 series at 0.5-0.8 mm):
// one Horn-Schunck Jacobi step (the votes run ~540 per flow, two flows per slice) and the binary
// morphology the proposals open and grow their bands with (radii of 2-12 pixels). Args: {threads} and
// {radius}. A profile of `segflow` on lumbar-vb-t2 put 48 % of its time in the first, 39 % in the second.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "kernels/optical_flow.h"
#include "nn/random.h"
#include "segflow/morphology.h"

namespace {

using namespace ldd;

constexpr kernels::Plane kSlice{381, 381};

void BM_horn_schunck_step(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  Generator gen(1);
  const auto n = static_cast<std::size_t>(kSlice.size());
  std::vector<float> ix(n), iy(n), it(n), u0(n), v0(n), u(n), v(n), u_next(n), v_next(n);
  for (auto* f : {&ix, &iy, &it, &u0, &v0, &u, &v})
    for (auto& x : *f) x = static_cast<float>(gen.uniform()) - 0.5f;
  for (auto _ : state) {
    kernels::horn_schunck_step(Device::CPU, kSlice, 0.0009f, ix.data(), iy.data(), it.data(), u0.data(), v0.data(), u.data(), v.data(),
                               u_next.data(), v_next.data());
    benchmark::ClobberMemory();
  }
  state.counters["Mpixel/s"] = benchmark::Counter(static_cast<double>(n) * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_horn_schunck_step)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()->Unit(benchmark::kMicrosecond);

// A body-like band: a third of the slice set, in blobs.
void BM_morph_dilate(benchmark::State& state) {
  Generator gen(2);
  std::vector<std::uint8_t> band(static_cast<std::size_t>(kSlice.size()));
  for (std::int64_t r = 0; r < kSlice.rows; ++r)
    for (std::int64_t c = 0; c < kSlice.cols; ++c) band[static_cast<std::size_t>(r * kSlice.cols + c)] = (r / 20 + c / 30) % 3 == 0;
  const int radius = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(segflow::morph(band, kSlice, radius, false));
  state.counters["Mpixel/s"] = benchmark::Counter(static_cast<double>(kSlice.size()) * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_morph_dilate)->Arg(2)->Arg(6)->Arg(12)->ArgName("radius")->Unit(benchmark::kMicrosecond);

}  // namespace
