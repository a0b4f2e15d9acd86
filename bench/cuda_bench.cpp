// GPU microbenchmarks, timed with CUDA events after a warm-up call (cuDNN's per-shape algorithm search
// and the allocator's first cudaMallocs happen there):
//   conv2d forward / backward-data / backward-weight at VGG-M's layer shapes (bench/vggm_shapes.h),
//     batch 32 and 128, as TFLOP/s of multiply-adds x 2, with TF32 off and on;
//   crop/resize of 5 disc boxes per volume into 9 x 112 x 112, for a batch of 32 volumes, as GB/s of
//     output written, next to a device-to-device copy of the same bytes (the ceiling).
// Without a GPU every benchmark reports the reason as an error and the run exits cleanly.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "bench/disc_boxes.h"
#include "bench/vggm_shapes.h"
#include "kernels/conv2d.h"
#include "kernels/crop_resize.h"
#include "kernels/device.h"
#include "nn/random.h"
#include "nn/tensor.h"

namespace {

using namespace ldd;

bool skip_without_gpu(benchmark::State& state) {
  if (kernels::cuda_available()) return false;
  state.SkipWithError(("no CUDA device: " + kernels::cuda_unavailable_reason()).c_str());
  return true;
}

Tensor random_on_gpu(std::int64_t n, Generator& gen) { return uniform({n}, -0.5f, 0.5f, gen).to(Device::CUDA); }

// Times `body` with CUDA events, one iteration per event pair, after one untimed call.
template <typename Body>
void time_on_gpu(benchmark::State& state, Body body) {
  body();
  kernels::synchronize(Device::CUDA);
  kernels::DeviceTimer timer(Device::CUDA);
  for (auto _ : state) {
    timer.start();
    body();
    state.SetIterationTime(timer.stop_ms() * 1e-3);
  }
}

enum class Pass { Forward, BackwardData, BackwardWeight };

void run_conv(benchmark::State& state, Pass pass) {
  if (skip_without_gpu(state)) return;
  kernels::set_allow_tf32(state.range(2) != 0);
  const bench::NamedConv layer = bench::vggm_convs(state.range(1))[static_cast<std::size_t>(state.range(0))];
  const auto& g = layer.geometry;
  state.SetLabel(std::string(layer.name) + (state.range(2) ? " tf32" : " fp32"));
  Generator gen(2);
  Tensor x = random_on_gpu(g.batch * g.in_channels * g.in_h * g.in_w, gen);
  Tensor w = random_on_gpu(g.out_channels * g.in_channels * g.kernel_h * g.kernel_w, gen);
  Tensor b = random_on_gpu(g.out_channels, gen);
  Tensor y = random_on_gpu(g.batch * g.out_channels * g.out_h() * g.out_w(), gen);
  time_on_gpu(state, [&] {
    switch (pass) {
      case Pass::Forward: kernels::conv2d_forward(Device::CUDA, g, x.data(), w.data(), b.data(), y.data()); break;
      case Pass::BackwardData: kernels::conv2d_backward_data(Device::CUDA, g, y.data(), w.data(), x.data()); break;
      case Pass::BackwardWeight: kernels::conv2d_backward_weight(Device::CUDA, g, x.data(), y.data(), w.data(), b.data()); break;
    }
  });
  state.counters["TFLOP/s"] = benchmark::Counter(1e-12 * g.forward_flops(), benchmark::Counter::kIsIterationInvariantRate);
  kernels::set_allow_tf32(false);
}

void BM_cuda_conv2d_forward(benchmark::State& s) { run_conv(s, Pass::Forward); }
void BM_cuda_conv2d_backward_data(benchmark::State& s) { run_conv(s, Pass::BackwardData); }
void BM_cuda_conv2d_backward_weight(benchmark::State& s) { run_conv(s, Pass::BackwardWeight); }

#define LDD_CUDA_CONV_BENCH(fn)                                                                            \
  BENCHMARK(fn)->ArgsProduct({{0, 1, 2, 3, 4}, {32, 128}, {0, 1}})->ArgNames({"layer", "batch", "tf32"}) \
      ->UseManualTime()->Unit(benchmark::kMicrosecond)
LDD_CUDA_CONV_BENCH(BM_cuda_conv2d_forward);
LDD_CUDA_CONV_BENCH(BM_cuda_conv2d_backward_data);
LDD_CUDA_CONV_BENCH(BM_cuda_conv2d_backward_weight);

constexpr std::int64_t kVolumes = 32;

void BM_cuda_crop_resize_discs(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const kernels::CropGeometry g{12, 448, 336, 9, 112, 112, 5};
  Generator gen(1);
  const std::int64_t volume_n = 12 * 448 * 336, out_n = 5 * 9 * 112 * 112;
  Tensor volumes = random_on_gpu(kVolumes * volume_n, gen), out = random_on_gpu(kVolumes * out_n, gen);
  const auto boxes = bench::disc_boxes();
  time_on_gpu(state, [&] {
    for (std::int64_t v = 0; v < kVolumes; ++v)
      kernels::crop_resize_forward(Device::CUDA, g, volumes.data() + v * volume_n, boxes.data(), out.data() + v * out_n);
  });
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(kVolumes * out_n * sizeof(float)) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_cuda_crop_resize_discs)->UseManualTime()->Unit(benchmark::kMicrosecond);

// The ceiling: a device-to-device copy of the same output bytes (read + write, as the crop reads its input).
void BM_cuda_copy_same_bytes(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  Generator gen(1);
  const std::int64_t n = kVolumes * 5 * 9 * 112 * 112;
  Tensor a = random_on_gpu(n, gen), b = random_on_gpu(n, gen);
  time_on_gpu(state, [&] { kernels::copy(Device::CUDA, b.data(), Device::CUDA, a.data(), static_cast<std::size_t>(n) * sizeof(float)); });
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(n * sizeof(float)) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_cuda_copy_same_bytes)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
