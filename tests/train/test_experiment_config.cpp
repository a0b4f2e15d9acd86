// Experiment configs: every shipped experiment parses; errors name the file, the key path and what is
// accepted; --set overrides; the resolved YAML parses back to itself.
#include <doctest/doctest.h>

#include <filesystem>

#include "base/check.h"
#include "train/experiment_config.h"

using namespace ldd;
using train::parse_experiment;

namespace {

const std::string kMinimal = "name: t\npathology: bulging\ndataset:\n  cohort: c.h5\n";

void check_error(const std::string& yaml, const std::string& expected, const std::vector<std::string>& overrides = {}) {
  CHECK_THROWS_WITH_AS(parse_experiment(yaml, "exp.yaml", overrides), doctest::Contains(expected.c_str()), Error);
}

}  // namespace

TEST_CASE("every shipped experiment parses and its resolved form parses back to itself") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LDD_SOURCE_DIR "/experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    INFO(entry.path().string());
    const auto c = train::load_experiment(entry.path().string());
    CHECK(c.name == entry.path().stem().string());
    const auto again = parse_experiment(c.to_yaml(), "resolved.yaml");
    CHECK(again.to_yaml().substr(again.to_yaml().find('\n')) == c.to_yaml().substr(c.to_yaml().find('\n')));
  }
  CHECK(count >= 5);
}

TEST_CASE("defaults fill what a config leaves out") {
  const auto c = parse_experiment(kMinimal, "exp.yaml");
  CHECK(c.pathology == Pathology::Bulging);
  CHECK(c.classes() == 4);
  CHECK(c.folds == 5);
  CHECK(c.device == Device::CPU);
  CHECK(c.imbalance.strategy == train::ImbalanceStrategy::None);
  CHECK(!c.synthetic);
  CHECK(c.baseline_input);
  CHECK(c.head == GradeHead::Softmax);
  CHECK(c.decision.rule == train::DecisionRule::Threshold);
  CHECK(c.decision.criterion == train::ThresholdCriterion::F1);
  const auto current = parse_experiment(kMinimal + "target: current\n", "exp.yaml");
  CHECK(!current.baseline_input);  // grading the image seen: the baseline grade is the label
  const auto set = parse_experiment(kMinimal + "model: {head: ordinal, baseline_input: false}\ndecision: {rule: paper, criterion: youden}\n",
                                    "exp.yaml");
  CHECK(set.head == GradeHead::Ordinal);
  CHECK(!set.baseline_input);
  CHECK(set.decision.rule == train::DecisionRule::Paper);
  CHECK(set.decision.criterion == train::ThresholdCriterion::Youden);
  const std::string again = parse_experiment(set.to_yaml(), "resolved.yaml").to_yaml();
  CHECK(again.substr(again.find('\n')) == set.to_yaml().substr(set.to_yaml().find('\n')));
}

TEST_CASE("config errors name the file / the key path and what is accepted") {
  check_error(kMinimal + "trainng:\n  epochs: 3\n", "exp.yaml: trainng: unknown key; accepted here:");
  check_error(kMinimal + "training:\n  epoch: 3\n", "exp.yaml: training.epoch: unknown key; accepted here: batch_size, data_parallel, epochs");
  check_error(kMinimal + "training:\n  epochs: many\n", "exp.yaml: training.epochs: expected an integer in [1, 10000], got 'many'");
  check_error(kMinimal + "folds: 1\n", "exp.yaml: folds: expected an integer in [2, 20], got '1'");
  check_error(kMinimal + "imbalance:\n  strategy: smite\n", "exp.yaml: imbalance.strategy: 'smite' is not one of none | oversample");
  check_error(kMinimal + "optimizer:\n  kind: rmsprop\n", "exp.yaml: optimizer.kind: 'rmsprop' is not one of sgd | adam | adamw");
  check_error(kMinimal + "schedule:\n  kind: linear\n", "exp.yaml: schedule.kind: 'linear' is not one of constant | step | cosine");
  check_error(kMinimal + "model:\n  conv_channels: [1, 2]\n", "exp.yaml: model.conv_channels: expected 5 widths");
  check_error(kMinimal + "crop:\n  size: 32\n", "exp.yaml: crop.size: expected an integer in [64, 512], got '32'");
  check_error(kMinimal + "compare:\n  - strategy: none\n  - oversample\n", "exp.yaml: compare[1]: expected a mapping");
  check_error("name: t\npathology: spine\ndataset:\n  cohort: c.h5\n", "exp.yaml: pathology: 'spine' is not one of");
  check_error("name: t\npathology: bulging\n", "exp.yaml: dataset: missing");
  check_error("name: a/b\npathology: bulging\ndataset:\n  cohort: c.h5\n", "exp.yaml: name: 'a/b' is used as a folder name");
  check_error(kMinimal + "target: now\n", "exp.yaml: target: 'now' is not one of followup | current");
  check_error(kMinimal + "target: current\ncompare:\n  - {strategy: none}\n", "exp.yaml: compare: a comparison of imbalance");
  check_error(kMinimal + "  ingest:\n    image_folder: a\n    labels: b.csv\n    labels_format: dicom\n",
              "exp.yaml: dataset.ingest.labels_format: 'dicom' is not one of ldd | spider");
  check_error(kMinimal + "  ingest:\n    image_folder: a\n", "exp.yaml: dataset.ingest.labels: missing");
  check_error(kMinimal + "  ingest: {image_folder: a, labels: b.csv}\n  synthetic: {}\n",
              "exp.yaml: dataset.ingest: give either synthetic or ingest, not both");
  check_error(kMinimal + "device: gpu\n", "exp.yaml: device: 'gpu' is not one of cpu | cuda");
  check_error(kMinimal + "decision:\n  rule: argmax\n", "exp.yaml: decision.rule: 'argmax' is not one of paper | threshold");
  check_error(kMinimal + "decision:\n  criterion: auc\n", "exp.yaml: decision.criterion: 'auc' is not one of f1 | youden");
  check_error(kMinimal + "model:\n  head: cumulative\n", "exp.yaml: model.head: 'cumulative' is not one of softmax | ordinal");
  check_error(kMinimal + "target: current\nmodel:\n  baseline_input: true\n", "exp.yaml: model.baseline_input: with target: current");
  check_error(kMinimal + "target: current\ndecision:\n  rule: paper\n", "exp.yaml: decision: a progression decision is for target: followup");
  check_error(kMinimal + "dataset2: [\n", "exp.yaml: YAML syntax error at line");
  check_error("name: t\npathology: bulging\ndataset:\n  cohort: c.h5\n  synthetic:\n    imaging:\n      rows: 3\n",
              "exp.yaml (dataset.synthetic): imaging.rows");
}

TEST_CASE("--set overrides keys (nested, lists, new sections) and its errors name the key") {
  const auto c = parse_experiment(kMinimal, "exp.yaml",
                                  {"optimizer.learning_rate=0.002", "model.conv_channels=[8, 16, 32, 32, 32]", "folds=3",
                                   "imbalance.strategy=smote", "device=cuda"});
  CHECK(c.learning_rate == doctest::Approx(0.002));
  CHECK(c.conv_channels == std::vector<std::int64_t>{8, 16, 32, 32, 32});
  CHECK(c.folds == 3);
  CHECK(c.imbalance.strategy == train::ImbalanceStrategy::Smote);
  CHECK(c.device == Device::CUDA);
  // A bad value set on the command line is attributed to the --set, not to the file alone.
  check_error(kMinimal, "exp.yaml with --set optimizer.learnig_rate=0.1: optimizer.learnig_rate: unknown key", {"optimizer.learnig_rate=0.1"});
  check_error(kMinimal, "exp.yaml with --set seed=2, --set folds=x: folds: expected an integer", {"seed=2", "folds=x"});
  CHECK(parse_experiment(kMinimal, "exp.yaml", {"folds=3"}).source == "exp.yaml");
  check_error(kMinimal, "exp.yaml: --set 'folds': expected key.path=value", {"folds"});
  check_error(kMinimal, "exp.yaml: --set 'dataset.cohort.x=1': 'cohort' is not a mapping", {"dataset.cohort.x=1"});
}

TEST_CASE("model.covariates: any of age, sex, bmi, level, each once; they survive the resolved form") {
  const auto c = parse_experiment(kMinimal + "model:\n  covariates: [age, bmi, level]\n", "exp.yaml");
  CHECK(c.covariates == std::vector<std::string>{"age", "bmi", "level"});
  CHECK(parse_experiment(c.to_yaml(), "resolved.yaml").covariates == c.covariates);
  CHECK(parse_experiment(kMinimal, "exp.yaml").to_yaml().find("covariates") == std::string::npos);  // earlier runs resume unchanged
  check_error(kMinimal + "model:\n  covariates: [age, height]\n", "model.covariates");
  check_error(kMinimal + "model:\n  covariates: [age, height]\n", "'height' is not one of age, sex, bmi, level");
  check_error(kMinimal + "model:\n  covariates: [sex, sex]\n", "'sex' is listed twice");
  check_error(kMinimal + "model:\n  covariates: age\n", "expected a list");
}

TEST_CASE("configs refuse what would be silently wrong: NaN, a key given twice, a name that is no folder of its own") {
  check_error(kMinimal + "training:\n  epochs: 3\noptimizer:\n  learning_rate: .nan\n", "optimizer.learning_rate: expected a number");
  check_error(kMinimal + "augmentation:\n  rotation_deg: .nan\n", "augmentation.rotation_deg");
  check_error(kMinimal + "augmentation:\n  intensity_jitter: .inf\n", "augmentation.intensity_jitter");
  check_error(kMinimal + "folds: 3\nfolds: 4\n", "folds: given twice (lines 5 and 6)");
  check_error(kMinimal + "optimizer:\n  kind: adam\n  kind: sgd\n", "optimizer.kind: given twice");
  check_error("name: ..\npathology: bulging\ndataset:\n  cohort: c.h5\n", "must name a folder of its own");
  check_error("name: ''\npathology: bulging\ndataset:\n  cohort: c.h5\n", "must name a folder of its own");
  check_error(kMinimal, "learning_rate", {"optimizer.learning_rate=nan"});
}

TEST_CASE("training.data_parallel parses, round-trips, and is left out of the resolved config when off (older run folders resume)") {
  const auto off = parse_experiment(kMinimal, "exp.yaml");
  CHECK(!off.data_parallel);
  CHECK(off.to_yaml().find("data_parallel") == std::string::npos);
  const auto on = parse_experiment(kMinimal, "exp.yaml", {"training.data_parallel=true"});
  CHECK(on.data_parallel);
  CHECK(parse_experiment(on.to_yaml(), "resolved.yaml").data_parallel);
  check_error(kMinimal + "training:\n  data_parallel: 2\n", "exp.yaml: training.data_parallel");
}
