// What each fuzz target feeds its parser. A target writes the fuzzed bytes under its input name in a work
// folder (beside fixed side files: the other slice of a DICOM series, the image a labels CSV grades) and
// runs the parser on them, then checks what an accepted input produced: sizes that agree, finite values,
// positive spacings. A refusal must be an ldd::Error; anything else (another exception, a broken
// invariant, a crash, a hang) is a finding.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ldd::fuzz {

struct Target {
  std::string name;            // also the folder of its seeds and of its regression inputs
  std::string input;           // path of the fuzzed file inside the work folder
  std::function<void(const std::filesystem::path& work)> run;  // throws ldd::Error to refuse
};

const std::vector<Target>& targets();
const Target& target(const std::string& name);  // throws naming the known targets

// Thrown by a target's checks when a parser accepted an input and returned something inconsistent.
struct InvariantBroken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Writes every target's seed files (and side files, under <target>/side/) into `folder`.
void write_seeds(const std::filesystem::path& folder);

}  // namespace ldd::fuzz
