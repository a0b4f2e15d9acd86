// train: one experiment end to end (cohort, SegFlow, k-fold cross-validation, report).
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "base/command.h"
#include "train/experiment.h"

namespace po = boost::program_options;
using namespace ldd;

namespace {

int run(int argc, char** argv) {
  po::options_description options(
      "train: predict disc degeneration progression with VGG-M, by k-fold cross-validation split by subject\n\n"
      "  train experiments/quickstart.yaml            the README's main job (about 5 minutes on 2 cores)\n"
      "  train experiments/pfirrmann.yaml --resume    continue a killed run from its last completed epoch\n"
      "  train EXPERIMENT.yaml --set training.epochs=5 --set imbalance.strategy=smote --dry-run\n\n"
      "Writes runs/<name>/ (or --out): config.yaml, fold-K/, predictions.csv, metrics.json, report.md, plots/.\n"
      "Config keys: experiments/README.md.\n\nOptions");
  options.add_options()("help,h", "this help")(tools::kVersionOption, tools::kVersionHelp)
      ("config", po::value<std::string>(), "experiment YAML (the first positional argument)")
      ("out,o", po::value<std::string>(), "run folder (default runs/<name>)")
      ("folds", po::value<int>(), "number of folds (same as --set folds=N)")
      ("fold", po::value<int>(), "run only fold K (1-based); the report is written once every fold has run")
      ("resume", "continue the run in the run folder: completed folds are kept, an interrupted fold resumes from its checkpoint")
      ("device", po::value<std::string>(), "cpu | cuda (same as --set device=D; default: the config's, else cpu)")
      ("threads,t", po::value<int>()->default_value(0), "OpenMP threads (0: OMP_NUM_THREADS or all cores)")
      ("seed,s", po::value<std::uint64_t>(), "random seed (same as --set seed=S)")
      ("set", po::value<std::vector<std::string>>()->composing(), "override a config key: --set optimizer.learning_rate=0.001 (repeatable)")
      ("dry-run,n", "validate the config and print it resolved (every key, defaults included), check that the run can start (cohort or its sources, run folder, --fold, --resume); run nothing")
      ("quiet,q", "no progress bars: one line per epoch, for logs")
      ("no-plots", "skip the matplotlib plots");
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "train: " << e.what() << "\n\n" << options << "\n";
    return 2;
  }
  if (vm.count(tools::kVersionOption)) {
    std::cout << "train: " << tools::version_line() << "\n";
    return 0;
  }
  if (vm.count("help") || !vm.count("config")) {
    std::cout << options << "\n";
    return vm.count("help") ? 0 : 2;
  }
  std::vector<std::string> overrides = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (vm.count("folds")) overrides.push_back("folds=" + std::to_string(vm["folds"].as<int>()));
  if (vm.count("seed")) overrides.push_back("seed=" + std::to_string(vm["seed"].as<std::uint64_t>()));
  if (vm.count("device")) overrides.push_back("device=" + vm["device"].as<std::string>());
  const int threads = tools::checked_threads(vm["threads"].as<int>());
  const auto config = train::load_experiment(vm["config"].as<std::string>(), overrides);
  train::RunOptions o;
  if (vm.count("out")) o.out = vm["out"].as<std::string>();
  if (vm.count("fold")) {
    const int fold = vm["fold"].as<int>();
    if (fold < 1 || fold > config.folds) {
      std::fprintf(stderr, "train: --fold %d: the experiment has folds 1 to %d\n", fold, config.folds);
      return 2;
    }
    o.only_fold = fold - 1;
  }
  o.resume = vm.count("resume") > 0;
  o.threads = threads;
  o.quiet = vm.count("quiet") > 0;
  o.plots = vm.count("no-plots") == 0;
  if (vm.count("dry-run")) {
    std::cout << config.to_yaml();
    train::check_can_start(config, o);  // the refusals the real run would meet first, now
    std::printf("# train: the run can start in %s\n", train::run_folder(config, o).string().c_str());
    return 0;
  }
  // Under `mpirun -np N`, the job's ranks (docs/scale-out.md); rank 0 speaks for the job.
  const ProcessGroup processes(&argc, &argv);
  o.processes = &processes;
  const auto result = train::run_experiment(config, o);
  if (!processes.is_root()) return 0;
  if (result.report.empty())
    std::printf("train: partial run in %s\n", result.folder.string().c_str());
  else
    std::printf("train: report: %s\n", result.report.string().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return ldd::tools::run_main("train", [&] { return run(argc, argv); });
}
