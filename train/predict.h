// `predict`: a trained run applied to a cohort. SegFlow runs on the cohort's baseline volumes that have no
// result yet, with the run's SegFlow settings and the refinement network kept in the run's cohort; every fold's model (the ensemble: their grade probabilities
// averaged) or one fold's predicts each disc from its baseline crop; the run's decision calls progression
// (the threshold rule at the mean of the folds' thresholds for the ensemble, at the fold's own for one
// fold; or the paper's rule). Writes, in the output folder:
//   predictions.csv   one row per disc of every subject, found or not: grade probabilities, P(progression),
//                     the call, and a QC flag (ok, naming_unsure, not_found, segflow_failed, no_image, no_grade);
//   patients/<id>.md  one report per patient, and <id>.png: the mid-slice with the named disc boxes and
//                     each disc's crop beside its Grad-CAM saliency (train/saliency.h);
//   validation/       where the cohort has the grades the run's target needs: metrics.json and report.md
//                     as `train` writes them, an external validation whose trivial predictors are learnt
//                     on the run's own cohort (so that cohort must still be where config.yaml says).
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kernels/device.h"
#include "train/disc_dataset.h"

namespace ldd::train {

struct PredictOptions {
  std::filesystem::path run;     // a completed `train` run folder (or one strategy's folder of a comparison)
  std::filesystem::path cohort;  // the cohort to predict (SegFlow results are added to it when missing)
  std::filesystem::path out;
  int fold = -1;                 // 0-based; -1: the ensemble of every fold
  std::optional<Target> target;  // what the caller expects the run to predict; an error when it is not
  bool require_validation = false;  // an error when the cohort lacks the grades an external validation needs
  bool patient_reports = true;
  Device device = Device::CPU;
  std::function<void(const std::string&)> log;  // default: stderr
};

struct PredictSummary {
  std::size_t discs = 0, predicted = 0;  // rows of predictions.csv, and those with a prediction
  std::size_t validated = 0;             // discs scored in validation/ (0: no external validation)
};

PredictSummary predict(const PredictOptions& options);

}  // namespace ldd::train
