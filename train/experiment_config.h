// An experiment: which cohort, which pathology, how discs are cropped, the VGG-M, how it is trained
// and how class imbalance is handled, over how many folds. Read strictly from YAML (experiments/README.md
// documents every key): an unknown key, a wrong type or an out-of-range value is an error naming the
// file, the key path and what is accepted. `--set key.path=value` overrides apply before validation.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/cohort/grades.h"
#include "data/synth/config.h"
#include "kernels/device.h"
#include "nn/models/disc_grader.h"
#include "segflow/pipeline.h"
#include "train/decision.h"
#include "train/disc_dataset.h"

namespace ldd::train {

enum class ImbalanceStrategy { None, Oversample, Undersample, Weighted, EffectiveNumber, Focal, Smote, BorderlineSmote };
inline constexpr const char* kImbalanceNames[] = {"none",  "oversample", "undersample", "weighted", "effective_number",
                                                  "focal", "smote",      "borderline_smote"};
const char* name_of(ImbalanceStrategy s);

struct ImbalanceConfig {
  ImbalanceStrategy strategy = ImbalanceStrategy::None;
  double beta = 0.999;           // effective_number: Cui et al.'s beta
  double gamma = 2.0;            // focal: focusing exponent (the loss is weighted cross-entropy at 0)
  int k_neighbors = 5;           // smote, borderline_smote
  int m_neighbors = 10;          // borderline_smote: neighbours that decide "in danger"
  double sampling_strategy = 1.0;  // smote: each minority class is raised to this share of the majority's count
};

struct ExperimentConfig {
  std::string name;
  std::string source;  // the file it was read from, for messages
  Pathology pathology = Pathology::Pfirrmann;
  Target target = Target::FollowUp;  // followup: the paper's task; current: grade the image seen (cross-sectional)

  // Dataset: an existing cohort file, or one generated from `synthetic` when the file does not exist.
  std::string cohort;
  std::optional<synth::SynthConfig> synthetic;
  // Or ingested from real images and a grades table when the file does not exist (the `ingest` command's inputs).
  struct Ingest {
    std::string image_folder, labels, labels_format = "ldd";  // labels_format: ldd | spider
  };
  std::optional<Ingest> ingest;
  // SegFlow, run when the cohort has no crops yet.
  int segflow_train_volumes = segflow::SegflowOptions{}.train_volumes, segflow_steps = segflow::SegflowOptions{}.refine.steps;

  // The network's input, slices x size x size, and SegFlow's stored crops.
  std::int64_t crop_slices = segflow::SegflowOptions{}.crop_slices, crop_size = segflow::SegflowOptions{}.crop_rows;

  std::vector<std::int64_t> conv_channels{96, 256, 512, 512, 512};
  std::int64_t fc_width = 4096;
  double dropout = 0.5;
  // The baseline grade as the network's side input (progression experiments only: for target: current it
  // is the label). The head: softmax over grades, or ordinal (cumulative link).
  bool baseline_input = true;
  // Covariates joined to the fully connected layers with the baseline grade (train/disc_dataset.h says
  // how each is scaled): any of the clinical age, sex, bmi, and the disc's level as SegFlow named it.
  std::vector<std::string> covariates;
  GradeHead head = GradeHead::Softmax;
  // Pre-training: a checkpoint (another run's fold-K/best.h5 or checkpoint.h5) whose parameters every fold
  // starts from instead of random ones; its model must have the same layers and shapes. Empty: random.
  std::string init_weights;
  DecisionConfig decision;  // how P(follow-up > baseline) becomes a progression call (train/decision.h)

  std::string optimizer = "sgd";  // a name in train/optimizer_registry.h: sgd | adam | adamw
  double learning_rate = 0.01, momentum = 0.9, weight_decay = 5e-4;
  std::string schedule = "cosine";  // a name in train/optimizer_registry.h: constant | step | cosine (per epoch)
  std::int64_t step_size = 10;      // step: epochs between decays
  double gamma = 0.1;               // step: the decay factor
  std::int64_t warmup_epochs = 0;
  std::int64_t epochs = 30, batch_size = 32;
  // Under `mpirun -np N`: every fold is trained by all N ranks together, each on a shard of every batch
  // (the effective batch stays batch_size); false: the ranks share out the folds (docs/scale-out.md).
  bool data_parallel = false;

  bool flip = true;                 // left-right mirror (slice order reversed)
  double rotation_deg = 5.0;        // uniform in +-, in the sagittal plane
  double intensity_jitter = 0.1;    // gain uniform in 1 +- this, and an offset of up to this many sd

  ImbalanceConfig imbalance;
  std::vector<ImbalanceConfig> compare;  // non-empty: run every strategy on the same folds

  double validation_fraction = 0.0;  // share of training subjects held out for early stopping (0: none)
  std::int64_t patience = 5;         // epochs without a better validation loss before stopping

  int folds = 5;
  std::uint64_t seed = 1;
  Device device = Device::CPU;  // cpu | cuda: where the network trains (SegFlow and data stay on the CPU)

  int classes() const { return scale_of(pathology).count(); }
  // The whole resolved configuration as YAML that parses back to the same values.
  std::string to_yaml() const;
};

// `overrides` are "key.path=value" (value is YAML: 0.01, adam, [64, 128]); they name the key they set.
ExperimentConfig load_experiment(const std::string& path, const std::vector<std::string>& overrides = {});
ExperimentConfig parse_experiment(const std::string& yaml, const std::string& source_name,
                                  const std::vector<std::string>& overrides = {});

}  // namespace ldd::train
