// segflow: unsupervised vertebra segmentation, disc regions and disc crops for a cohort file.
#include <boost/program_options.hpp>

#include <omp.h>

#include <cstdio>

#include "base/check.h"
#include "base/command.h"
#include "base/progress.h"
#include "segflow/pipeline.h"

namespace po = boost::program_options;
using namespace ldd;

namespace {

int run(int argc, char** argv) {
  const segflow::SegflowOptions defaults;
  const std::string default_crop = std::to_string(defaults.crop_slices) + "x" + std::to_string(defaults.crop_rows) + "x" +
                                   std::to_string(defaults.crop_cols);
  po::options_description options(
      "segflow: vertebra masks, disc regions and standardised disc crops for every volume of a cohort file\n\n"
      "  segflow --cohort cohort.h5 [--qc DIR] [--crop SxRxC] [--train-volumes N] [--steps N]\n\n"
      "Results go back into the cohort under /subjects/<id>/<visit>/segflow (data/SCHEMA.md).\n"
      "Exit status: 0 every volume segmented, 3 some (or all) failed (each listed, the rest kept), 1 error, 2 usage.\n\nOptions");
  options.add_options()("help,h", "this help")(tools::kVersionOption, tools::kVersionHelp)
      ("cohort,c", po::value<std::string>(), "cohort file (written back in place, via a temporary copy)")
      ("qc", po::value<std::string>(), "write a quality-control PNG per volume into this folder (a failed volume: its mid-slice framed in red)")
      ("crop", po::value<std::string>()->default_value(default_crop), "crop size, slices x rows x cols")
      ("train-volumes", po::value<int>()->default_value(defaults.train_volumes), "baseline volumes whose votes train the refinement network (the first that show three bodies)")
      ("steps", po::value<int>()->default_value(defaults.refine.steps), "training steps of the refinement network")
      ("seed", po::value<std::uint64_t>()->default_value(1), "random seed")
      ("threads,t", po::value<int>()->default_value(0), "OpenMP threads (0: OMP_NUM_THREADS or all cores)")
      ("quiet,q", "no progress bar");
  po::variables_map vm;
  if (const auto exit_code = tools::parse_command_line("segflow", options, argc, argv, vm)) return *exit_code;
  if (!vm.count("cohort")) {
    std::fprintf(stderr, "segflow: --cohort is required (see --help)\n");
    return 2;
  }
  segflow::SegflowOptions o = defaults;
  char x1 = 0, x2 = 0;
  const std::string crop = vm["crop"].as<std::string>();
  if (std::sscanf(crop.c_str(), "%ld%c%ld%c%ld", &o.crop_slices, &x1, &o.crop_rows, &x2, &o.crop_cols) != 5 || x1 != 'x' ||
      x2 != 'x') {
    std::fprintf(stderr, "segflow: --crop '%s' is not SxRxC, e.g. %s\n", crop.c_str(), default_crop.c_str());
    return 2;
  }
  if (const int threads = tools::checked_threads(vm["threads"].as<int>())) omp_set_num_threads(threads);
  o.train_volumes = vm["train-volumes"].as<int>();
  o.refine.steps = vm["steps"].as<int>();
  o.refine.seed = vm["seed"].as<std::uint64_t>();
  if (vm.count("qc")) o.qc_folder = vm["qc"].as<std::string>();
  try {
    o.validate();
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  // Under mpirun the volumes are shared out over the ranks; rank 0 speaks for the job.
  const ProcessGroup processes(&argc, &argv);
  tools::ProgressBar bar("volumes", vm.count("quiet") > 0 || !processes.is_root());
  const auto s = segflow::run_segflow(vm["cohort"].as<std::string>(), o, [&](std::int64_t d, std::int64_t t) { bar.update(d, t); }, &processes);
  if (!processes.is_root()) return 0;
  std::printf("segflow: %zu of %zu volumes segmented\n", s.succeeded, s.volumes);
  for (const auto& f : s.failures) std::printf("segflow: failed %s\n", f.c_str());
  return s.succeeded == s.volumes ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  return ldd::tools::run_main("segflow", [&] { return run(argc, argv); });
}
