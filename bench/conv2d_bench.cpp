// conv2d forward, backward-data and backward-weight (CPU: im2col + GEMM, OpenMP over the batch) at
// VGG-M's layer shapes for a 9 x 112 x 112 input, batch 32. Args: {layer index, OpenMP threads}.
// GFLOP/s counts the convolution's multiply-adds x 2, the same figure for each pass.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "bench/vggm_shapes.h"
#include "kernels/conv2d.h"
#include "nn/random.h"

namespace {

using namespace ldd;

enum class Pass { Forward, BackwardData, BackwardWeight };

std::vector<float> random_buffer(std::int64_t n, Generator& gen) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = static_cast<float>(gen.uniform() - 0.5);
  return v;
}

void run_conv(benchmark::State& state, Pass pass) {
  omp_set_num_threads(static_cast<int>(state.range(1)));
  const bench::NamedConv layer = bench::vggm_convs()[static_cast<std::size_t>(state.range(0))];
  const auto& g = layer.geometry;
  state.SetLabel(layer.name);
  Generator gen(2);
  auto x = random_buffer(g.batch * g.in_channels * g.in_h * g.in_w, gen);
  auto w = random_buffer(g.out_channels * g.in_channels * g.kernel_h * g.kernel_w, gen);
  auto b = random_buffer(g.out_channels, gen);
  auto y = random_buffer(g.batch * g.out_channels * g.out_h() * g.out_w(), gen);
  for (auto _ : state) {
    switch (pass) {
      case Pass::Forward: kernels::conv2d_forward(Device::CPU, g, x.data(), w.data(), b.data(), y.data()); break;
      case Pass::BackwardData: kernels::conv2d_backward_data(Device::CPU, g, y.data(), w.data(), x.data()); break;
      case Pass::BackwardWeight:
        kernels::conv2d_backward_weight(Device::CPU, g, x.data(), y.data(), w.data(), b.data());
        break;
    }
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(1e-9 * g.forward_flops(), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_conv2d_forward(benchmark::State& s) { run_conv(s, Pass::Forward); }
void BM_conv2d_backward_data(benchmark::State& s) { run_conv(s, Pass::BackwardData); }
void BM_conv2d_backward_weight(benchmark::State& s) { run_conv(s, Pass::BackwardWeight); }

#define LDD_VGGM_CONV_BENCH(fn)                                                                        \
  BENCHMARK(fn)->ArgsProduct({{0, 1, 2, 3, 4}, {1, 2}})->ArgNames({"layer", "threads"})->UseRealTime() \
      ->Unit(benchmark::kMillisecond)
LDD_VGGM_CONV_BENCH(BM_conv2d_forward);
LDD_VGGM_CONV_BENCH(BM_conv2d_backward_data);
LDD_VGGM_CONV_BENCH(BM_conv2d_backward_weight);

}  // namespace
