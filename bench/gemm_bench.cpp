// sgemm through kernels::gemm (Eigen): the CPU ceiling that convolution figures are read against.
// Square sizes give the machine's peak; the per-image GEMMs of VGG-M's conv layers show what their
// shapes allow. Args: {size or layer index, OpenMP threads}.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "bench/vggm_shapes.h"
#include "kernels/gemm.h"
#include "nn/random.h"

namespace {

using namespace ldd;

void run_gemm(benchmark::State& state, std::int64_t m, std::int64_t n, std::int64_t k) {
  omp_set_num_threads(static_cast<int>(state.range(1)));
  Generator gen(1);
  std::vector<float> a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(k * n)), c(static_cast<std::size_t>(m * n));
  for (auto& v : a) v = static_cast<float>(gen.uniform());
  for (auto& v : b) v = static_cast<float>(gen.uniform());
  for (auto _ : state) {
    kernels::gemm(Device::CPU, {.m = m, .n = n, .k = k, .a = a.data(), .lda = k, .b = b.data(), .ldb = n,
                                .c = c.data(), .ldc = n});
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2e-9 * static_cast<double>(m * n * k),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_sgemm_square(benchmark::State& state) { run_gemm(state, state.range(0), state.range(0), state.range(0)); }
BENCHMARK(BM_sgemm_square)->ArgsProduct({{256, 512, 1024, 2048}, {1, 2}})->ArgNames({"n", "threads"})->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// One image's forward GEMM of each conv layer: (OC x C*KH*KW) x (C*KH*KW x OH*OW).
void BM_sgemm_vggm_conv(benchmark::State& state) {
  const bench::NamedConv layer = bench::vggm_convs()[static_cast<std::size_t>(state.range(0))];
  const auto& g = layer.geometry;
  state.SetLabel(layer.name);
  run_gemm(state, g.out_channels, g.out_h() * g.out_w(), g.in_channels * g.kernel_h * g.kernel_w);
}
BENCHMARK(BM_sgemm_vggm_conv)->ArgsProduct({{0, 1, 2, 3, 4}, {1, 2}})->ArgNames({"layer", "threads"})->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
