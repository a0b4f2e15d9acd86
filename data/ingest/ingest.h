// Ingest of real studies into a cohort file: volumes (NIfTI, MetaImage, DICOM series) reoriented to the
// canonical orientation, per-disc grades from a labels CSV, demographics from an optional CSV.
// Everything textual is checked before the first image is read, and the output is written under a
// temporary name: a bad input leaves no file behind and its error names the file, line and column.
//
// Images come either from a manifest CSV (columns subject, visit, image, optionally vertebra_mask; paths
// relative to the CSV) or from a folder where every volume file or DICOM sub-folder is one subject's
// baseline, named by its file name; files ending in `mask_suffix` are that subject's vertebra masks.
// Labels CSV ("ldd" format): subject, visit, level, and any of schneiderman, bulging, pfirrmann (a scale
// without a column is missing); an empty cell is a
// missing grade. Either CSV may call the visit column "timepoint". The "spider" format reads the SPIDER data set's gradings.csv (Patient, level,
// Pfirrman grade; its binary bulging is not the 0-3 scale and is not used). Demographics CSV: subject,
// age, sex, bmi, institution (any subset of the last four; institution may be a name).
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ldd::ingest {

struct IngestOptions {
  std::filesystem::path images;        // manifest CSV, or
  std::filesystem::path image_folder;  // a folder of volumes
  std::string mask_suffix = "_vertebrae";
  std::filesystem::path labels;        // optional
  std::string labels_format = "ldd";   // "ldd" or "spider"
  std::filesystem::path demographics;  // optional
  std::filesystem::path out;
};

struct IngestSummary {
  std::size_t subjects = 0, volumes = 0, masks = 0, graded_discs = 0;
  std::vector<std::string> notes;  // what the labels held that was not ingested, one line each
};

IngestSummary ingest(const IngestOptions& options, const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace ldd::ingest
