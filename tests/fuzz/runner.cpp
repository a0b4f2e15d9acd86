#include "tests/fuzz/runner.h"

#include <cxxabi.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <typeinfo>

#include "base/check.h"
#include "tests/fuzz/mutator.h"

namespace ldd::fuzz {
namespace {

namespace fs = std::filesystem;

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<Bytes> load_seeds(const fs::path& folder) {
  LDD_CHECK(fs::is_directory(folder), "fuzz seeds: no folder " << folder.string() << " (ldd_fuzz --write-seeds makes them)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  LDD_CHECK(!files.empty(), "fuzz seeds: " << folder.string() << " holds no seed file");
  std::vector<Bytes> seeds;
  for (const auto& f : files) seeds.push_back(read_bytes(f));
  return seeds;
}

// A fresh work folder holding the target's side files.
fs::path make_work(const Target& target, const fs::path& seeds, int child) {
  const fs::path work = fs::temp_directory_path() / ("ldd-fuzz-" + target.name + "-" + std::to_string(::getpid()) + "-" + std::to_string(child));
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path side = seeds / target.name / "side";
  if (fs::is_directory(side)) fs::copy(side, work, fs::copy_options::recursive);
  return work;
}

enum class Outcome { Accepted, Refused, Finding };

Outcome run_one(const Target& target, const fs::path& work, std::string& finding) {
  try {
    target.run(work);
    return Outcome::Accepted;
  } catch (const InvariantBroken& e) {
    finding = std::string("accepted, but ") + e.what();
  } catch (const Error& e) {
    finding = e.what();  // the refusal's reason, for a seed that should have been accepted
    return Outcome::Refused;
  } catch (const std::exception& e) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), std::free);
    finding = std::string(status == 0 ? name.get() : typeid(e).name()) + " instead of an ldd::Error: " + e.what();
  } catch (...) {
    finding = "an exception that is not a std::exception";
  }
  return Outcome::Finding;
}

struct Counters {
  std::atomic<std::uint64_t> runs{0}, accepted{0};
};

constexpr int kExitFinding = 3, kExitSeedRefused = 4;

[[noreturn]] void child_main(const Target& target, const FuzzOptions& o, const fs::path& work, Counters& counters,
                             std::uint64_t seed, bool check_seeds, double deadline_s) {
  // Libraries' warnings about broken files go to a file, so a finding can show them.
  const int err = ::open((work / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err >= 0) ::dup2(err, 2);
#if !defined(__SANITIZE_ADDRESS__)
  const rlimit limit{o.memory_limit_mb << 20, o.memory_limit_mb << 20};
  ::setrlimit(RLIMIT_AS, &limit);
#endif
  std::vector<Bytes> corpus = load_seeds(o.seeds / target.name);
  const std::size_t seeds = corpus.size();
  const fs::path input = work / target.input;
  std::string finding;
  if (check_seeds)
    for (std::size_t i = 0; i < seeds; ++i) {
      write_bytes(input, corpus[i]);
      ::alarm(o.per_input_seconds);
      const Outcome outcome = run_one(target, work, finding);
      ::alarm(0);
      if (outcome != Outcome::Accepted) {
        std::ofstream(work / "finding.txt") << "seed " << i + 1 << " of " << (o.seeds / target.name).string() << " is not accepted"
                                           << (finding.empty() ? "" : ": " + finding);
        std::_Exit(kExitSeedRefused);
      }
    }
  Mutator mutator(seed);
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < deadline_s &&
         (o.runs == 0 || counters.runs < o.runs)) {
    const Bytes bytes = mutator.mutate(corpus[mutator.below(corpus.size())], corpus);
    write_bytes(input, bytes);
    ::alarm(o.per_input_seconds);
    const Outcome outcome = run_one(target, work, finding);
    ::alarm(0);
    ++counters.runs;
    if (outcome == Outcome::Finding) {
      std::ofstream(work / "finding.txt") << finding;
      std::_Exit(kExitFinding);
    }
    // Accepted mutants reach further into the parser than the seeds: mutate them too.
    if (outcome == Outcome::Accepted) {
      ++counters.accepted;
      if (corpus.size() < seeds + 256) corpus.push_back(bytes);
    }
  }
  std::_Exit(0);
}

std::string signal_reason(int sig, unsigned per_input_seconds) {
  if (sig == SIGALRM) return "a hang: more than " + std::to_string(per_input_seconds) + " s on one input";
  return std::string("killed by signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")";
}

// A library's failed assert(), which names the check that ended the process: findings differ by it.
std::string failed_assertion(const fs::path& stderr_file) {
  std::istringstream lines(read_bytes(stderr_file));
  std::string found;
  for (std::string line; std::getline(lines, line);)
    if (line.find("Assertion") != std::string::npos) found = ": " + line.substr(line.find("Assertion"));
  return found;
}

std::string tail_of(const fs::path& path, std::size_t chars) {
  const Bytes text = read_bytes(path);
  return text.size() <= chars ? text : "..." + text.substr(text.size() - chars);
}

}  // namespace

FuzzResult fuzz(const Target& target, const FuzzOptions& o) {
  (void)load_seeds(o.seeds / target.name);  // a missing seed folder is an error here, not a finding in the child
  auto* counters = static_cast<Counters*>(::mmap(nullptr, sizeof(Counters), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  LDD_CHECK(counters != MAP_FAILED, "fuzz: cannot map the shared counters");
  new (counters) Counters;
  FuzzResult result;
  std::set<std::string> seen;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  for (int child = 0; child == 0 || (elapsed() < o.seconds && (o.runs == 0 || counters->runs < o.runs)); ++child) {
    const fs::path work = make_work(target, o.seeds, child);
    std::cout.flush();
    const pid_t pid = ::fork();
    LDD_CHECK(pid >= 0, "fuzz: fork failed");
    if (pid == 0) child_main(target, o, work, *counters, o.seed * 1000003 + static_cast<std::uint64_t>(child), child == 0, o.seconds - elapsed());
    int status = 0;
    ::waitpid(pid, &status, 0);
    const bool clean_exit = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitSeedRefused) {
      const std::string why = read_bytes(work / "finding.txt");
      fs::remove_all(work);
      throw Error("fuzz " + target.name + ": " + why);
    }
    if (!clean_exit) {
      const std::string why = WIFSIGNALED(status) ? signal_reason(WTERMSIG(status), o.per_input_seconds) + failed_assertion(work / "stderr.txt")
                              : WEXITSTATUS(status) == kExitFinding ? read_bytes(work / "finding.txt")
                                                                    : "exit status " + std::to_string(WEXITSTATUS(status));
      // One saved input per kind of finding: the same broken check met again is counted, not saved.
      if (seen.insert(why).second) {
        const Bytes input = read_bytes(work / target.input);
        std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a, to name the input
        for (const char c : input) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        std::ostringstream name;
        name << std::hex << hash << fs::path(target.input).extension().string();
        const fs::path saved = o.findings / target.name / name.str();
        write_bytes(saved, input);
        std::ofstream(fs::path(saved).concat(".txt")) << why << "\n\nstderr of the run:\n" << tail_of(work / "stderr.txt", 4000) << "\n";
        std::cout << "finding in " << target.name << ": " << why << "\n  input saved as " << saved.string() << "\n";
      }
      ++result.findings;
    }
    fs::remove_all(work);
  }
  result.runs = counters->runs;
  result.accepted = counters->accepted;
  ::munmap(counters, sizeof(Counters));
  return result;
}

int replay_bad_inputs(const fs::path& bad, const fs::path& seeds) {
  int failures = 0;
  for (const auto& t : targets()) {
    const fs::path folder = bad / t.name;
    if (!fs::is_directory(folder)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder))
      if (e.is_regular_file() && e.path().extension() != ".txt" && e.path().filename() != "README.md") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const fs::path work = make_work(t, seeds, -1);
      write_bytes(work / t.input, read_bytes(f));
      std::string finding;
      std::string refusal;
      try {
        t.run(work);
        finding = "accepted";
      } catch (const Error& e) {
        refusal = e.what();
      } catch (const std::exception& e) {
        finding = std::string("not an ldd::Error: ") + e.what();
      }
      fs::remove_all(work);
      if (finding.empty()) {
        std::cout << "refused  " << t.name << "/" << f.filename().string() << ": " << refusal << "\n";
      } else {
        std::cout << "FAILED   " << t.name << "/" << f.filename().string() << ": " << finding << "\n";
        ++failures;
      }
    }
  }
  return failures;
}

}  // namespace ldd::fuzz
