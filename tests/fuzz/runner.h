// Runs a fuzz target for a bounded time in child processes, so that a crash, a hang or an unbounded
// allocation is caught, its input saved, and the fuzzing goes on. The first child runs every seed
// unmutated: a seed the parser refuses is an error (fuzzing from it would test the refusal only).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/fuzz/targets.h"

namespace ldd::fuzz {

struct FuzzOptions {
  std::filesystem::path seeds;     // <seeds>/<target>/ holds the seed files, <seeds>/<target>/side/ the side files
  std::filesystem::path findings;  // a finding's input goes to <findings>/<target>/<hash>.<ext>, its reason beside it
  double seconds = 10;
  std::uint64_t runs = 0;  // stop after this many mutated inputs (0: only the time bounds the run); with a
                           // fixed seed a bounded count makes a run the same on every machine
  std::uint64_t seed = 1;
  unsigned per_input_seconds = 20;   // longer is a hang
  std::uint64_t memory_limit_mb = 4096;  // address space of a child; not applied under AddressSanitizer
};

struct FuzzResult {
  std::uint64_t runs = 0, accepted = 0, findings = 0;
};

FuzzResult fuzz(const Target& target, const FuzzOptions& options);

// Runs each file of <bad>/<target>/ through its target in this process; each must be refused with an
// ldd::Error. Prints one line per file; returns how many were not refused cleanly.
int replay_bad_inputs(const std::filesystem::path& bad, const std::filesystem::path& seeds);

}  // namespace ldd::fuzz
