// The CUDA runtime pieces: the caching allocator's reuse and statistics, copies both ways, the event
// timer, and the TF32 switch's default.
#include <doctest/doctest.h>

#include <vector>

#include "kernels/device.h"
#include "nn/tensor.h"

using namespace ldd;

TEST_CASE("the caching allocator hands a freed block to the next tensor of that size and counts it") {
  kernels::release_cached_memory(Device::CUDA);
  kernels::reset_peak_memory(Device::CUDA);
  const auto before = kernels::memory_stats(Device::CUDA);
  const void* first = nullptr;
  {
    Tensor t = Tensor::zeros({1000, 1000}, Device::CUDA);
    first = t.data();
    const auto held = kernels::memory_stats(Device::CUDA);
    CHECK(held.in_use >= before.in_use + 4000000);
    CHECK(held.peak >= held.in_use);
  }
  const auto freed = kernels::memory_stats(Device::CUDA);
  CHECK(freed.in_use == before.in_use);
  CHECK(freed.cached >= 4000000);
  const Tensor again = Tensor::zeros({1000, 1000}, Device::CUDA);
  CHECK(again.data() == first);
  CHECK(kernels::memory_stats(Device::CUDA).cached == freed.cached - (kernels::memory_stats(Device::CUDA).in_use - before.in_use));
  kernels::release_cached_memory(Device::CUDA);
  CHECK(kernels::memory_stats(Device::CUDA).cached == 0);
}

TEST_CASE("values survive host to device to device to host copies") {
  std::vector<float> values(100003);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f - 7.0f;
  const Tensor gpu = Tensor::from_vector({100003}, values, Device::CUDA);
  Tensor other = Tensor::zeros({100003}, Device::CUDA);
  other.assign(gpu);
  CHECK(other.to_vector() == values);
  CHECK(other.to(Device::CPU).to_vector() == values);
}

TEST_CASE("the device timer measures queued GPU work and TF32 is off unless asked for") {
  CHECK_FALSE(kernels::allow_tf32());
  kernels::DeviceTimer timer(Device::CUDA);
  timer.start();
  Tensor t = Tensor::full({4096, 4096}, 1.0f, Device::CUDA);
  for (int i = 0; i < 10; ++i) t.assign(Tensor::full({4096, 4096}, static_cast<float>(i), Device::CUDA));
  const double ms = timer.stop_ms();
  CHECK(ms > 0.0);
  CHECK(ms < 10000.0);
}
