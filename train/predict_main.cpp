// predict: a trained run applied to new patients (train/predict.h).
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "base/command.h"
#include "data/ingest/ingest.h"
#include "train/predict.h"

namespace po = boost::program_options;
using namespace ldd;

namespace {

int run(int argc, char** argv) {
  tools::refuse_several_ranks("predict");
  po::options_description options(
      "predict: apply a trained run (its fold models' ensemble, or one fold) to a cohort\n\n"
      "  predict --run runs/quickstart --cohort new.h5 --out predictions/new\n"
      "  predict --run runs/X --images images.csv [--labels labels.csv] --out predictions/Y   (ingests first)\n\n"
      "Writes predictions.csv (one row per disc, found or not), patients/<id>.md and .png (Grad-CAM per disc),\n"
      "and validation/metrics.json + report.md where the cohort has the grades of the run's target.\n\nOptions");
  options.add_options()("help,h", "this help")(tools::kVersionOption, tools::kVersionHelp)
      ("run,r", po::value<std::string>(), "a completed train run folder")
      ("cohort,c", po::value<std::string>(), "cohort file to predict (SegFlow runs on it when it has no results)")
      ("images", po::value<std::string>(), "instead of --cohort: a manifest CSV (subject, visit, image) to ingest into OUT/cohort.h5")
      ("labels", po::value<std::string>(), "with --images: per-disc grades CSV (for an external validation)")
      ("labels-format", po::value<std::string>()->default_value("ldd"), "with --labels: ldd | spider")
      ("demographics", po::value<std::string>(), "with --images: subject, age, sex, bmi CSV")
      ("out,o", po::value<std::string>(), "output folder")
      ("fold", po::value<int>(), "use only fold K's model (1-based); default: the ensemble of every fold")
      ("target", po::value<std::string>(), "followup | current: what you expect the run to predict (an error when it does not)")
      ("validate", "fail unless the cohort has the grades an external validation needs")
      ("no-patient-reports", "skip patients/ (the per-patient Markdown and PNG)")
      ("device", po::value<std::string>()->default_value("cpu"), "cpu | cuda");
  po::variables_map vm;
  if (const auto stop = tools::parse_command_line("predict", options, argc, argv, vm)) return *stop;
  auto usage = [&](const char* why) {
    std::cerr << "predict: " << why << "\n\n" << options << "\n";
    return 2;
  };
  if (!vm.count("run") || !vm.count("out")) return usage("--run and --out are required");
  if (vm.count("cohort") == vm.count("images")) return usage("give either --cohort or --images");
  if (!vm.count("images") && (vm.count("labels") || vm.count("demographics"))) return usage("--labels and --demographics go with --images");
  train::PredictOptions o;
  o.run = vm["run"].as<std::string>();
  o.out = vm["out"].as<std::string>();
  if (vm.count("images")) {
    ingest::IngestOptions in;
    in.images = vm["images"].as<std::string>();
    if (vm.count("labels")) in.labels = vm["labels"].as<std::string>();
    in.labels_format = vm["labels-format"].as<std::string>();
    if (vm.count("demographics")) in.demographics = vm["demographics"].as<std::string>();
    std::filesystem::create_directories(o.out);
    in.out = o.out / "cohort.h5";
    if (!std::filesystem::exists(in.out)) ingest::ingest(in);
    o.cohort = in.out;
  } else {
    o.cohort = vm["cohort"].as<std::string>();
  }
  if (vm.count("fold")) o.fold = vm["fold"].as<int>() - 1;
  if (o.fold < -1) return usage("--fold counts from 1");
  if (vm.count("target")) {
    const auto t = vm["target"].as<std::string>();
    if (t != "followup" && t != "current") return usage("--target: followup or current");
    o.target = t == "followup" ? train::Target::FollowUp : train::Target::Current;
  }
  o.require_validation = vm.count("validate") > 0;
  o.patient_reports = vm.count("no-patient-reports") == 0;
  const auto device = vm["device"].as<std::string>();
  if (device != "cpu" && device != "cuda") return usage("--device: cpu or cuda");
  o.device = device == "cuda" ? Device::CUDA : Device::CPU;
  const auto summary = train::predict(o);
  std::printf("predict: %zu discs, %zu predicted%s: %s\n", summary.discs, summary.predicted,
              summary.validated ? (", " + std::to_string(summary.validated) + " validated").c_str() : "",
              (o.out / "predictions.csv").string().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return ldd::tools::run_main("predict", [&] { return run(argc, argv); });
}
