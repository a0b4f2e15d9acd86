// Byte-level mutations of a seed file, as a fuzzer without coverage feedback makes them: bit flips,
// boundary integers and floats written over the bytes, chunks deleted, duplicated or spliced in from
// another input, truncation, and tokens that parsers of text formats treat specially. Deterministic for
// a given generator seed.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ldd::fuzz {

using Bytes = std::string;

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}
  // 1 to 4 stacked mutations of `input`; `others` (may be empty) are spliced from.
  Bytes mutate(const Bytes& input, const std::vector<Bytes>& others);
  std::size_t below(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

 private:
  void mutate_once(Bytes& b, const std::vector<Bytes>& others);
  std::mt19937_64 rng_;
};

}  // namespace ldd::fuzz
