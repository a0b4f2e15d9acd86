// What every ldd command line shares: parsing with Boost.Program_options (usage on a bad option, exit
// code 2), --help, --version (each command declares it with kVersionOption), and turning any exception
// into one line "name: message" and exit code 1.
#pragma once
#include <boost/program_options.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "base/check.h"
#include "base/process_group.h"
#include "base/version.h"

namespace ldd::tools {

inline constexpr const char* kVersionOption = "version";
inline constexpr const char* kVersionHelp = "print the version and the commit it was built from";

// The parsed options, or the exit code when the command should stop (help printed: 0, bad usage: 2).
inline std::optional<int> parse_command_line(const char* name, const boost::program_options::options_description& options,
                                             int argc, char** argv, boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << name << ": " << e.what() << "\n\n" << options << "\n";
    return 2;
  }
  if (vm.count("help") || argc == 1) {
    std::cout << options << "\n";
    return 0;
  }
  if (vm.count(kVersionOption)) {
    std::cout << name << ": " << version_line() << "\n";
    return 0;
  }
  return std::nullopt;
}

// Commands that do not share work over MPI ranks (predict, synth, ingest): under `mpirun -np N` they
// would run N copies writing the same files, so they stop at once and say so.
inline void refuse_several_ranks(const char* name) {
  const int ranks = ProcessGroup::launched_ranks();
  LDD_CHECK(ranks == 1, name << " runs as one process, and mpirun started " << ranks
                             << " of them (they would write the same files); start it without mpirun (train and segflow share "
                             << "their work over ranks: docs/scale-out.md)");
}

// --threads N: 0 keeps OMP_NUM_THREADS or all cores; more than 1024 is refused (an OpenMP runtime asked for
// 100000 threads crashes rather than says so).
inline int checked_threads(int threads) {
  if (threads < 0 || threads > 1024)
    throw std::invalid_argument("--threads " + std::to_string(threads) + ": between 1 and 1024 (0: OMP_NUM_THREADS or all cores)");
  return threads;
}

template <class Run>
int run_main(const char* name, Run run) {
  try {
    return run();
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    if (std::getenv("LDD_DEBUG") && !e.where().empty()) std::fprintf(stderr, "%s: (%s)\n", name, e.where().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

}  // namespace ldd::tools
