// ldd_fuzz: the parsers' fuzz targets (tests/fuzz/targets.h) and their regression inputs.
//   ldd_fuzz TARGET|all [--seconds S] [--runs N] [--seed N] [--seeds DIR] [--findings DIR]
//     (--runs alone: N mutated inputs, however long they take)
//   ldd_fuzz --replay BAD_DIR [--seeds DIR]    every file of BAD_DIR/<target>/ must be refused cleanly
//   ldd_fuzz --write-seeds DIR                 remakes the seed files (tests/fixtures/fuzz)
// Exit status: 0 nothing found, 1 a finding or a failed replay, 2 a usage or setup error.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tests/fuzz/runner.h"

int main(int argc, char** argv) {
  using namespace ldd::fuzz;
  const std::vector<std::string> args(argv + 1, argv + argc);
  FuzzOptions o;
  o.seeds = std::filesystem::path(LDD_SOURCE_DIR) / "tests" / "fixtures" / "fuzz";
  o.findings = "fuzz-findings";
  std::string what, replay, write_to;
  bool seconds_given = false;
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
        return args[++i];
      };
      if (args[i] == "--seconds") o.seconds = std::stod(value()), seconds_given = true;
      else if (args[i] == "--runs") o.runs = std::stoull(value());
      else if (args[i] == "--seed") o.seed = std::stoull(value());
      else if (args[i] == "--seeds") o.seeds = value();
      else if (args[i] == "--findings") o.findings = value();
      else if (args[i] == "--replay") replay = value();
      else if (args[i] == "--write-seeds") write_to = value();
      else if (what.empty() && args[i].rfind("--", 0) != 0) what = args[i];
      else throw std::invalid_argument("unknown argument '" + args[i] + "'");
    }
    if (!write_to.empty()) {
      write_seeds(write_to);
      return 0;
    }
    if (!replay.empty()) return replay_bad_inputs(replay, o.seeds) == 0 ? 0 : 1;
    if (what.empty()) throw std::invalid_argument("name a target or all");
    if (o.runs > 0 && !seconds_given) o.seconds = 1e9;
    std::vector<const Target*> chosen;
    if (what == "all")
      for (const auto& t : targets()) chosen.push_back(&t);
    else
      chosen.push_back(&target(what));
    std::uint64_t findings = 0;
    for (const Target* t : chosen) {
      const FuzzResult r = fuzz(*t, o);
      std::cout << t->name << ": " << r.runs << " mutated inputs, " << r.accepted << " accepted, "
                << r.findings << " finding(s)\n";
      findings += r.findings;
    }
    return findings == 0 ? 0 : 1;
  } catch (const std::invalid_argument& e) {
    std::cerr << "ldd_fuzz: " << e.what() << "\nusage: ldd_fuzz TARGET|all [--seconds S] [--runs N] [--seed N] [--seeds DIR] [--findings DIR]\n"
              << "       ldd_fuzz --replay BAD_DIR [--seeds DIR]\n       ldd_fuzz --write-seeds DIR\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ldd_fuzz: " << e.what() << "\n";
    return 2;
  }
}
