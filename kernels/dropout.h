// Inverted dropout with a counter-based mask: element i is kept when hash(seed, i) >= p, so the mask is
// recomputed in backward instead of stored, and a CPU and a GPU twin draw the same mask for the same seed.
#pragma once
#include <cstdint>

#include "kernels/device.h"
#include "kernels/host_device.h"

namespace ldd::kernels {

// Uniform [0, 1) from (seed, index): the one definition both twins use.
LDD_HOST_DEVICE inline float dropout_uniform(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (index + 1);  // splitmix64 finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

// The seed whose mask at index i is `seed`'s mask at first_index + i (the hash above is seed + k * index):
// a data-parallel shard's part of a whole batch's mask.
LDD_HOST_DEVICE inline std::uint64_t dropout_seed_at(std::uint64_t seed, std::uint64_t first_index) {
  return seed + 0x9E3779B97F4A7C15ull * first_index;
}

// y = x * keep / (1 - p)
void dropout_forward(Device device, std::int64_t n, float p, std::uint64_t seed, const float* x, float* y);
// dx += dy * keep / (1 - p)
void dropout_backward(Device device, std::int64_t n, float p, std::uint64_t seed, const float* dy, float* dx);

}  // namespace ldd::kernels
