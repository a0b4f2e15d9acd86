// End-to-end VGG-M training step (forward + backward + SGD step with momentum and weight decay), the
// figure compared against PyTorch by bench/compare_vggm.sh (CPU) and bench/compare_vggm_gpu.sh (CUDA).
//   ldd_bench_train_step input=9x112x112 batch=32 threads=2 steps=5 warmup=2 fc=4096 classes=5 device=cpu tf32=0
// On the CPU it prints a per-layer table (median step's forward/backward time and GFLOP/s); on CUDA the
// step is timed with CUDA events after the warm-up steps (cuDNN's algorithm search happens there). Then
//   RESULT impl=ldd device=... input=... threads=... images_per_s=... gflops=... peak_rss_mb=... peak_gpu_mb=...
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include "base/check.h"
#include "base/clock.h"
#include "kernels/device.h"
#include "kernels/gemm.h"
#include "nn/models/vggm.h"
#include "nn/ops.h"
#include "nn/optim/sgd.h"
#include "nn/profile.h"

namespace {

using namespace ldd;

std::map<std::string, std::string> parse(int argc, char** argv) {
  std::map<std::string, std::string> args{{"input", "9x112x112"}, {"batch", "32"}, {"threads", "2"}, {"steps", "5"},
                                          {"warmup", "2"}, {"fc", "4096"}, {"classes", "5"},
                                          {"device", "cpu"}, {"tf32", "0"}};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto eq = a.find('=');
    LDD_CHECK(eq != std::string::npos && args.count(a.substr(0, eq)),
              "unknown argument '" << a << "'; accepted: input=CxHxW batch= threads= steps= warmup= fc= classes= device=cpu|cuda tf32=0|1");
    args[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return args;
}

// The machine's sgemm rate at the current thread count (median of 5 multiplications of 1024^3).
double sgemm_ceiling() {
  const std::int64_t n = 1024;
  std::vector<float> a(n * n, 0.5f), b(n * n, 0.25f), c(n * n);
  std::vector<double> rates;
  for (int r = 0; r < 6; ++r) {
    const double start = monotonic_seconds();
    kernels::gemm(Device::CPU, {.m = n, .n = n, .k = n, .a = a.data(), .lda = n, .b = b.data(), .ldb = n, .c = c.data(), .ldc = n});
    if (r > 0) rates.push_back(2.0 * n * n * n / (monotonic_seconds() - start) * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) try {
  auto args = parse(argc, argv);
  VggMConfig config;
  char x1, x2;
  std::istringstream(args["input"]) >> config.in_channels >> x1 >> config.height >> x2 >> config.width;
  config.fc_width = std::stoll(args["fc"]);
  config.classes = std::stoll(args["classes"]);
  const std::int64_t batch = std::stoll(args["batch"]);
  const int threads = std::stoi(args["threads"]), steps = std::stoi(args["steps"]), warmup = std::stoi(args["warmup"]);
  omp_set_num_threads(threads);
  LDD_CHECK(args["device"] == "cpu" || args["device"] == "cuda", "device=" << args["device"] << ": expected cpu or cuda");
  const Device device = args["device"] == "cuda" ? Device::CUDA : Device::CPU;
  kernels::set_allow_tf32(args["tf32"] == "1");

  manual_seed(1);
  Generator gen(1);
  VggM model(config, InitScheme::Gaussian, gen);
  model.to(device);
  Sgd sgd(model.named_parameters(), {.learning_rate = 1e-3, .momentum = 0.9, .weight_decay = 5e-4});
  const Tensor x = normal({batch, config.in_channels, config.height, config.width}, 0.0f, 1.0f, gen).to(device);
  std::vector<int> targets(static_cast<std::size_t>(batch));
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i] = static_cast<int>(i % static_cast<std::size_t>(config.classes));

  std::vector<double> times;
  std::vector<std::vector<Profiler::Layer>> profiles;
  double optimizer_seconds = 0.0;
  kernels::DeviceTimer step_timer(device), optimizer_timer(device);
  for (int s = 0; s < warmup + steps; ++s) {
    if (s == warmup) kernels::reset_peak_memory(device);
    Profiler profiler;
    step_timer.start();
    sgd.zero_grad();
    // The loss value is not read: on the GPU that would synchronise inside the timed step.
    cross_entropy(model(x), targets).backward();
    optimizer_timer.start();
    sgd.step();
    const double optimizer_ms = optimizer_timer.stop_ms();
    const double step_ms = step_timer.stop_ms();
    if (s >= warmup) {
      times.push_back(step_ms * 1e-3);
      profiles.push_back(profiler.layers());
      optimizer_seconds += optimizer_ms * 1e-3;
    }
  }
  const std::size_t median = static_cast<std::size_t>(
      std::distance(times.begin(), std::find(times.begin(), times.end(), [&] {
                      auto sorted = times;
                      std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
                      return sorted[sorted.size() / 2];
                    }())));
  const double step_seconds = times[median];
  // Training FLOPs: forward, plus backward-data and backward-weight (each as costly as the forward),
  // except conv1's backward-data: the input needs no gradient.
  std::map<std::string, double> flops;
  for (const auto& [name, f] : model.layer_forward_flops()) flops[name] = f * static_cast<double>(batch);
  const double train_flops = 3.0 * model.forward_flops() * static_cast<double>(batch) - flops["conv1"];
  std::printf("VGG-M train step on %s, input %s, batch %lld, %d threads, TF32 %s: median %.2f ms (optimizer %.2f ms)\n",
              to_string(device), args["input"].c_str(), static_cast<long long>(batch), threads, kernels::allow_tf32() ? "on" : "off",
              step_seconds * 1e3, optimizer_seconds / steps * 1e3);
  const double peak_gpu_mb = static_cast<double>(kernels::memory_stats(device).peak) / (1 << 20);
  const auto result_line = [&] {
    std::printf("RESULT impl=ldd device=%s input=%s batch=%lld threads=%d images_per_s=%.2f gflops=%.1f peak_rss_mb=%.0f "
                "peak_gpu_mb=%.0f\n",
                to_string(device), args["input"].c_str(), static_cast<long long>(batch), threads,
                static_cast<double>(batch) / step_seconds, train_flops / step_seconds * 1e-9, peak_rss_mb(), peak_gpu_mb);
  };
  // Per-layer host times mean nothing for asynchronous GPU work.
  if (device == Device::CUDA) {
    result_line();
    return 0;
  }
  const double ceiling = sgemm_ceiling();
  std::printf("sgemm 1024^3 on %d threads: %.1f GFLOP/s (the %% columns are fractions of it)\n", threads, ceiling);
  std::printf("%-8s %9s %9s %10s %10s %6s %6s\n", "layer", "fwd ms", "bwd ms", "fwd GF/s", "bwd GF/s", "fwd %", "bwd %");
  for (const auto& layer : profiles[median]) {
    const std::string name = layer.name.empty() ? "(loss)" : layer.name;
    std::printf("%-8s %9.2f %9.2f", name.c_str(), layer.forward_seconds * 1e3, layer.backward_seconds * 1e3);
    if (flops.count(name)) {
      const double fwd = flops[name] / layer.forward_seconds * 1e-9;
      const double bwd = (name == "conv1" ? 1.0 : 2.0) * flops[name] / layer.backward_seconds * 1e-9;
      std::printf(" %10.1f %10.1f %5.0f%% %5.0f%%", fwd, bwd, 100.0 * fwd / ceiling, 100.0 * bwd / ceiling);
    }
    std::printf("\n");
  }
  result_line();
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "ldd_bench_train_step: %s\n", e.what());
  return 1;
}
