// ingest: real lumbar MRI studies (NIfTI, MetaImage, DICOM series) and their gradings into a cohort file.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "base/command.h"
#include "base/progress.h"
#include "data/ingest/ingest.h"

namespace po = boost::program_options;
using namespace ldd;

namespace {

int run(int argc, char** argv) {
  tools::refuse_several_ranks("ingest");
  po::options_description options(
      "ingest: real sagittal lumbar MRI and per-disc grades into an ldd cohort file (data/SCHEMA.md)\n\n"
      "  ingest --images images.csv [--labels labels.csv] [--demographics demo.csv] --out cohort.h5\n"
      "  ingest --image-folder DIR [--mask-suffix _vertebrae] [--labels gradings.csv --labels-format spider] --out c.h5\n\n"
      "images.csv: subject,visit,image[,vertebra_mask] (visit baseline|followup; paths relative to the CSV; an\n"
      "image is a .nii/.nii.gz/.mha/.mhd file or a folder holding one DICOM series).\n"
      "labels.csv: subject,visit,level,schneiderman,bulging,pfirrmann (level L1-L2..L5-S1; empty = missing).\n"
      "demographics.csv: subject[,age][,sex][,bmi][,institution].\n"
      "Volumes are reoriented to slices left->right, rows cranial->caudal, columns anterior->posterior.\n\n"
      "Options");
  options.add_options()("help,h", "this help")(tools::kVersionOption, tools::kVersionHelp)
      ("images", po::value<std::string>(), "manifest CSV of images")
      ("image-folder", po::value<std::string>(), "a folder whose volume files / DICOM folders are subjects' baselines")
      ("mask-suffix", po::value<std::string>()->default_value("_vertebrae"), "with --image-folder: files whose name ends so are vertebra masks")
      ("labels", po::value<std::string>(), "labels CSV")
      ("labels-format", po::value<std::string>()->default_value("ldd"), "ldd or spider (SPIDER's gradings.csv)")
      ("demographics", po::value<std::string>(), "demographics CSV")
      ("out,o", po::value<std::string>(), "cohort file to write")
      ("quiet,q", "no progress bar");
  po::variables_map vm;
  if (const auto exit_code = tools::parse_command_line("ingest", options, argc, argv, vm)) return *exit_code;
  ingest::IngestOptions o;
  if (vm.count("images")) o.images = vm["images"].as<std::string>();
  if (vm.count("image-folder")) o.image_folder = vm["image-folder"].as<std::string>();
  o.mask_suffix = vm["mask-suffix"].as<std::string>();
  if (vm.count("labels")) o.labels = vm["labels"].as<std::string>();
  o.labels_format = vm["labels-format"].as<std::string>();
  if (vm.count("demographics")) o.demographics = vm["demographics"].as<std::string>();
  if (vm.count("out")) o.out = vm["out"].as<std::string>();
  tools::ProgressBar bar("volumes", vm.count("quiet") > 0);
  const auto s = ingest::ingest(o, [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
  std::printf("ingest: wrote %s: %zu subjects, %zu volumes, %zu vertebra masks, %zu graded discs\n", o.out.string().c_str(),
              s.subjects, s.volumes, s.masks, s.graded_discs);
  for (const auto& note : s.notes) std::printf("ingest: note: %s\n", note.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return ldd::tools::run_main("ingest", [&] { return run(argc, argv); });
}
