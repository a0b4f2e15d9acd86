// Seeded random numbers (no tensors: nn/random.h draws tensors from these). A Generator is xoshiro256** seeded through splitmix64; normals come from
// Box-Muller on its uniforms, so the same seed gives the same numbers on every platform and compiler
// (std::normal_distribution does not promise that).
// The process has one default generator (the framework's random-generator context), reseeded with
// manual_seed(); code that needs independent streams makes its own Generator.
#pragma once
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace ldd {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0x1dd5eedull);
  std::uint64_t next_u64();
  double uniform();  // [0, 1)
  double normal();   // mean 0, standard deviation 1

 private:
  std::array<std::uint64_t, 4> state_;
};

// Fisher-Yates with draws gen.next_u64() % i, so a seeded shuffle gives the same order on every platform
// (std::shuffle's use of the generator is left to the library).
template <class T>
void shuffle(std::vector<T>& items, Generator& gen) {
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[static_cast<std::size_t>(gen.next_u64() % i)]);
}

Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace ldd
