// The predictors a progression report stands the model beside, each fitted on a fold's training discs
// (every disc outside its test fold) and scored on its test discs, its threshold chosen on the training
// discs as the model's is (decision.h):
// - the grade prior, P(progression | baseline grade): the strongest trivial predictor;
// - on a synthetic cohort, the image oracle: logistic regression on the baseline grade and the amounts of
//   the risk signs the baseline image shows (a perfect reader of the image), and the full oracle: the
//   baseline grade and the hidden propensity (all that is learnable about progression from the disc).
#pragma once
#include <filesystem>
#include <optional>
#include <vector>

#include "data/synth/population.h"
#include "train/decision.h"
#include "train/disc_dataset.h"
#include "train/metrics.h"

namespace ldd::train {

enum class Reference { GradePrior, ImageOracle, FullOracle };

// Per sample, what the oracles may read: the synthetic ground truth, never an input of the pipeline.
struct TrueRiskOfDiscs {
  std::vector<double> propensity;         // per sample
  std::vector<std::vector<double>> signs;  // per sample, the risk-sign amounts
};
// nullopt when the cohort has no synthetic ground truth (real data): the oracles are then not reported.
std::optional<TrueRiskOfDiscs> load_true_risk(const std::filesystem::path& cohort, const DiscDataset& data);

struct ReferenceScores {
  std::vector<double> p_progression;  // per test sample, in `test` order
  double threshold = 0;               // chosen on the training discs
};
// P(progression | baseline grade) from the given discs, shrunk towards their overall share by one disc's
// weight (a grade seen once or never gets neither 0 nor 1), and its threshold chosen on them.
struct GradePrior {
  std::vector<double> p;  // per baseline grade index
  double threshold = 0;
};
GradePrior fit_grade_prior(const DiscDataset& data, const std::vector<std::size_t>& samples, ThresholdCriterion criterion);

// `truth` is required for the oracles. `test` holds sample indices; every other sample trains.
ReferenceScores score_reference(Reference reference, const DiscDataset& data, const TrueRiskOfDiscs* truth,
                                const std::vector<std::size_t>& test, ThresholdCriterion criterion);

// The reference's calls on its test discs as predictions to evaluate: called at its threshold, its grade
// guess the baseline grade, one up when called (it predicts progression, not grades).
std::vector<DiscPrediction> reference_calls(const DiscDataset& data, const std::vector<std::size_t>& test,
                                            const ReferenceScores& scores);

// A reference predictor cross-validated on its own over `folds` subject folds (data/folds.h with `seed`),
// per-fold metrics: what the oracles reach on a cohort before any image is rendered (bench/synth_oracle).
std::vector<Metrics> cross_validate_reference(Reference reference, const DiscDataset& data, const TrueRiskOfDiscs* truth, int folds,
                                              std::uint64_t seed, ThresholdCriterion criterion);

// A synthetic population's discs on one scale with their ground truth, without images or crops.
std::pair<DiscDataset, TrueRiskOfDiscs> population_discs(const synth::Population& population, Pathology pathology);

}  // namespace ldd::train
