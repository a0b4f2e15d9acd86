// One cross-validation fold: a VGG-M trained on the training discs (after the imbalance strategy), early
// stopping on a validation split when configured, then the test discs' follow-up grade probabilities.
// A checkpoint after every epoch lets a killed run resume; every random draw of an epoch comes from a
// generator seeded by (seed, fold, epoch), so a resumed fold ends exactly where an uninterrupted one does.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/process_group.h"
#include "kernels/device.h"
#include "nn/models/disc_grader.h"
#include "train/disc_dataset.h"
#include "train/experiment_config.h"
#include "train/run_folder.h"

namespace ldd::train {

struct FoldSplit {
  std::vector<std::size_t> train, validation, test;  // sample indices
};

struct FoldResult {
  std::vector<DiscOutput> test;
  // Progression experiments: the validation discs' outputs when the fold has a validation split, else the
  // training discs' (evaluation mode, no augmentation), on which the decision threshold is chosen.
  std::vector<DiscOutput> fit;
  std::vector<EpochRecord> history;
  std::int64_t best_epoch = 0;  // the epoch whose weights predicted the test discs
};

struct FoldOptions {
  bool resume = false;  // continue from the fold's checkpoint when there is one
  Device device = Device::CPU;
  // Data-parallel: the ranks that train this fold together, each on a shard of every batch
  // (train/data_parallel.h). Only rank 0 writes the checkpoints and predicts; the others return no
  // predictions. Null (or one rank): this process trains alone.
  const ProcessGroup* shards = nullptr;
  // Called after every batch and at the end of each epoch (batches_done == batches).
  std::function<void(const EpochRecord& running, std::int64_t batches_done, std::int64_t batches)> progress;
};

// `dir` receives checkpoint.h5 (and best.h5 with a validation split); results are returned, not written.
FoldResult train_fold(const ExperimentConfig& config, const ImbalanceConfig& imbalance, const DiscDataset& data,
                      const FoldSplit& split, int fold, const std::filesystem::path& dir, const FoldOptions& options);

// The network a fold trains for this experiment and data: VGG-M's widths, the side input (the baseline
// grade for progression, the clinical covariates), the head. Its describe() is what checkpoints are checked against.
DiscGraderConfig grader_config(const ExperimentConfig& config, const DiscDataset& data);
// The grade a head's probabilities predict: the arg-max for the softmax head; for the ordinal head the
// median, the grade whose interval between cut-points holds the disc's score. (Its arg-max skips the
// middle grades whose cut-points lie close: on SPIDER it never predicted Pfirrmann 2 or 4.)
int predicted_grade(const std::vector<double>& probabilities, GradeHead head);
// A disc's output from its grade probabilities: the predicted grade and, for progression, P(follow-up
// grade > baseline grade).
DiscOutput disc_output(const DiscDataset& data, std::size_t sample, std::vector<double> probabilities, GradeHead head);
// Each sample's grade probabilities, predicted grade and P(follow-up grade > baseline grade), in evaluation mode.
std::vector<DiscOutput> predict_discs(DiscGrader& model, const DiscDataset& data, const std::vector<std::size_t>& samples,
                                      std::int64_t batch_size, Device device);
// The network's side input for these discs: the one-hot baseline grade (when the model takes it), then
// their clinical covariates (`covariates`: discs x the dataset's covariate_names); an undefined tensor for
// a model without side input.
Tensor side_input(const DiscGrader& model, const std::vector<int>& baselines, const std::vector<float>& covariates, Device device);
// Pre-training: loads model.init_weights into `model` when set; its layers and shapes must be the model's
// (the error names the experiment file and the key).
void load_init_weights(const ExperimentConfig& config, DiscGrader& model);
// That model.init_weights, when set, names a file: what --dry-run and a run check before any work.
void check_init_weights_file(const ExperimentConfig& config);
// The weights that predicted a fold's test discs: best.h5 with a validation split, else checkpoint.h5.
std::filesystem::path fold_weights(const std::filesystem::path& fold_dir);

// A 64-bit seed from several numbers (splitmix64 chaining): independent streams per fold and epoch.
std::uint64_t mix_seed(std::initializer_list<std::uint64_t> parts);

}  // namespace ldd::train
