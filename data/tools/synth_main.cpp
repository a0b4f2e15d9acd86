// synth: generates the synthetic longitudinal cohort (data/synth/) into an HDF5 cohort file, and
// reports its statistics next to the paper's Tables 1-3.
#include <boost/program_options.hpp>
#include <omp.h>

#include <cstdio>
#include <iostream>

#include "base/check.h"
#include "base/command.h"
#include "base/progress.h"
#include "data/cohort/cohort_file.h"
#include "data/synth/generate.h"
#include "data/synth/report.h"

namespace po = boost::program_options;
using namespace ldd;
using namespace ldd::synth;

namespace {

int run(int argc, char** argv) {
  tools::refuse_several_ranks("synth");
  po::options_description options(
      "synth: generate the synthetic longitudinal lumbar MRI cohort\n\n"
      "  synth --out cohort.h5 [--config synth.yaml] [--subjects N] [--seed S] [--report] [--examples DIR]\n"
      "  synth --report --in cohort.h5        statistics of an existing cohort file\n"
      "  synth --report [--subjects N]        statistics of the grades alone (no images; seconds)\n\n"
      "Options");
  options.add_options()("help,h", "this help")(tools::kVersionOption, tools::kVersionHelp)
      ("config,c", po::value<std::string>(), "YAML parameters (documented defaults: data/synth/defaults.yaml)")
      ("out,o", po::value<std::string>(), "cohort file to write (HDF5, layout in data/SCHEMA.md)")
      ("in,i", po::value<std::string>(), "with --report: an existing cohort file to describe")
      ("subjects,n", po::value<std::int64_t>(), "number of subjects (overrides the config)")
      ("seed,s", po::value<std::uint64_t>(), "random seed (overrides the config)")
      ("threads,t", po::value<int>(), "OpenMP threads used to render (default: all cores)")
      ("report,r", "print the cohort's statistics next to the paper's Tables 1-3")
      ("examples,e", po::value<std::string>(), "write example PNGs (baseline vs follow-up of progressing discs) into this folder")
      ("quiet,q", "no progress bar");
  po::variables_map vm;
  if (const auto exit_code = tools::parse_command_line("synth", options, argc, argv, vm)) return *exit_code;
  SynthConfig config;
  if (vm.count("config")) config = load_synth_config(vm["config"].as<std::string>());
  if (vm.count("subjects")) config.subjects = vm["subjects"].as<std::int64_t>();
  if (vm.count("seed")) config.seed = vm["seed"].as<std::uint64_t>();
  config.validate();
  if (vm.count("threads") && tools::checked_threads(vm["threads"].as<int>()) > 0) omp_set_num_threads(vm["threads"].as<int>());
  const bool report = vm.count("report") > 0;

  if (vm.count("in")) {
    LDD_CHECK(report && !vm.count("out"), "--in is for --report on an existing cohort; it cannot be combined with --out");
    const CohortReader reader(vm["in"].as<std::string>());
    std::vector<SubjectRecord> subjects;
    for (const auto& id : reader.subject_ids()) subjects.push_back(reader.subject(id));
    std::cout << format_report(compute_statistics(subjects, config.demographics), config);
    return 0;
  }
  if (!vm.count("out")) {
    LDD_CHECK(report, "nothing to do: give --out FILE to generate a cohort, or --report for statistics (see --help)");
    std::cout << format_report(compute_statistics(records_of(draw_population(config)), config.demographics), config);
    return 0;
  }
  const std::string out = vm["out"].as<std::string>();
  tools::ProgressBar bar("subjects", vm.count("quiet") > 0);
  const GenerationSummary summary = generate_cohort(config, out, [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
  std::printf("synth: wrote %s: %lld subjects, 2 visits of %lldx%lldx%lld, %.2f GB, %.1f s\n", out.c_str(),
              static_cast<long long>(config.subjects), static_cast<long long>(config.imaging.slices),
              static_cast<long long>(config.imaging.rows), static_cast<long long>(config.imaging.cols),
              static_cast<double>(summary.bytes) / 1e9, summary.seconds);
  if (report) std::cout << format_report(compute_statistics(records_of(summary.population), config.demographics), config);
  if (vm.count("examples"))
    for (const auto& path : write_examples(out, vm["examples"].as<std::string>()))
      std::printf("synth: example %s\n", path.string().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return ldd::tools::run_main("synth", [&] { return run(argc, argv); });
}
