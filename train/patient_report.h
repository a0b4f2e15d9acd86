// The per-patient output of `predict`, for a clinician or a reader of one case: patients/<id>.md, a table
// of each disc's QC, grades, probabilities and call, and patients/<id>.png: the baseline mid-slice with
// the named disc boxes, and per disc its crop's middle slice beside the crop under its Grad-CAM saliency
// (the evidence for P(progression), or for the predicted grade of a grading run), averaged over the models.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/device.h"
#include "nn/models/disc_grader.h"
#include "train/fold_trainer.h"

namespace ldd::train {

struct PatientReportInput {
  std::filesystem::path cohort;
  const DiscDataset& data;
  const std::vector<DiscOutput>& outputs;  // outputs[i].sample == i
  const std::vector<std::unique_ptr<DiscGrader>>& models;
  std::optional<double> threshold;         // the threshold rule's; nullopt: the paper's rule (or a grading run)
  std::string run_name, model_text;
  Device device = Device::CPU;
};

// One .md and one .png per subject of the cohort with at least one disc predicted.
void write_patient_reports(const std::filesystem::path& folder, const PatientReportInput& in);

}  // namespace ldd::train
