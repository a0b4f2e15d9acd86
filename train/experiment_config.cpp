#include "train/experiment_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <sstream>

#include "base/check.h"
#include "data/config/yaml_fields.h"
#include "data/io/text_file.h"
#include "train/disc_dataset.h"
#include "train/optimizer_registry.h"

namespace ldd::train {
namespace {

using config::Fields;

std::string choice(const Fields& f, const std::string& key, const std::vector<std::string>& accepted) {
  const std::string v = f.text(key);
  std::string list;
  for (const auto& a : accepted) {
    if (v == a) return v;
    list += (list.empty() ? "" : " | ") + a;
  }
  f.fail(key, "'" + v + "' is not one of " + list);
}

ImbalanceStrategy parse_strategy(const Fields& f, const std::string& key) {
  std::vector<std::string> names(std::begin(kImbalanceNames), std::end(kImbalanceNames));
  const std::string v = choice(f, key, names);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (v == names[i]) return static_cast<ImbalanceStrategy>(i);
  return ImbalanceStrategy::None;
}

ImbalanceConfig parse_imbalance(const Fields& f, ImbalanceConfig c) {
  f.reject_unknown({"strategy", "beta", "gamma", "k_neighbors", "m_neighbors", "sampling_strategy"});
  if (f.has("strategy")) c.strategy = parse_strategy(f, "strategy");
  if (f.has("beta")) c.beta = f.number("beta", 0.0, 0.999999);
  if (f.has("gamma")) c.gamma = f.number("gamma", 0.0, 10.0);
  if (f.has("k_neighbors")) c.k_neighbors = static_cast<int>(f.integer("k_neighbors", 1, 100));
  if (f.has("m_neighbors")) c.m_neighbors = static_cast<int>(f.integer("m_neighbors", 1, 100));
  if (f.has("sampling_strategy")) c.sampling_strategy = f.number("sampling_strategy", 0.01, 1.0);
  return c;
}

// Sets root[a][b]... = value for "a.b...=value", creating mappings on the way.
void apply_override(YAML::Node& root, const std::string& text, const std::string& source) {
  const auto eq = text.find('=');
  LDD_CHECK(eq != std::string::npos && eq > 0,
            source << ": --set '" << text << "': expected key.path=value, e.g. optimizer.learning_rate=0.001");
  std::vector<std::string> keys;
  std::stringstream path(text.substr(0, eq));
  for (std::string k; std::getline(path, k, '.');) {
    LDD_CHECK(!k.empty(), source << ": --set '" << text << "': empty key in the path");
    keys.push_back(k);
  }
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw Error(source + ": --set '" + text + "': the value is not YAML: " + e.msg);
  }
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    YAML::Node next = chain.back()[keys[i]];
    if (!next.IsDefined() || next.IsNull()) next = YAML::Node(YAML::NodeType::Map);
    LDD_CHECK(next.IsMap(), source << ": --set '" << text << "': '" << keys[i] << "' is not a mapping");
    chain.push_back(next);
  }
  chain.back()[keys.back()] = value;
  for (std::size_t i = keys.size() - 1; i > 0; --i) chain[i - 1][keys[i - 1]] = chain[i];
}

void emit_list(std::ostream& o, const std::vector<std::int64_t>& v) {
  o << "[";
  for (std::size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
  o << "]";
}

void emit_imbalance(std::ostream& o, const ImbalanceConfig& c, const std::string& indent) {
  o << indent << "strategy: " << name_of(c.strategy) << "\n"
    << indent << "beta: " << c.beta << "\n"
    << indent << "gamma: " << c.gamma << "\n"
    << indent << "k_neighbors: " << c.k_neighbors << "\n"
    << indent << "m_neighbors: " << c.m_neighbors << "\n"
    << indent << "sampling_strategy: " << c.sampling_strategy << "\n";
}

// The experiment's text with the --set overrides applied; `origin` names what the values came from: with
// --set, a bad value may be the file's or an override's (and line numbers would count lines of the merged
// text, so none are given).
std::string with_overrides(const std::string& yaml, const std::string& source_name, const std::vector<std::string>& overrides,
                           std::string& origin) {
  origin = source_name;
  for (std::size_t i = 0; i < overrides.size(); ++i) origin += (i ? ", --set " : " with --set ") + overrides[i];
  if (overrides.empty()) return yaml;
  Fields::parse(yaml, source_name);  // a syntax error names the file, line and column
  YAML::Node root = YAML::Load(yaml);
  if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
  for (const auto& o : overrides) apply_override(root, o, source_name);
  return YAML::Dump(root);
}

// dataset: the cohort and what makes it when it does not exist.
void parse_dataset(const Fields& root, const std::string& origin, ExperimentConfig& c) {
  const auto dataset = root.child("dataset");
  dataset.reject_unknown({"cohort", "synthetic", "ingest"});
  c.cohort = dataset.text("cohort");
  if (dataset.has("ingest")) {
    if (dataset.has("synthetic")) dataset.fail("ingest", "give either synthetic or ingest, not both");
    const auto f = dataset.child("ingest");
    f.reject_unknown({"image_folder", "labels", "labels_format"});
    c.ingest = ExperimentConfig::Ingest{f.text("image_folder"), f.text("labels"), "ldd"};
    if (f.has("labels_format")) c.ingest->labels_format = choice(f, "labels_format", {"ldd", "spider"});
  }
  if (dataset.has("synthetic")) {
    dataset.child("synthetic");  // a mapping, or the error names the key
    c.synthetic = synth::parse_synth_config(dataset.yaml("synthetic"), origin + " (dataset.synthetic)");
    c.synthetic->validate();
  }
}

// segflow, crop, model and decision: what the network sees and how its output becomes a call.
void parse_network(const Fields& root, ExperimentConfig& c) {
  using Limits = segflow::SegflowOptions;
  if (root.has("segflow")) {
    const auto f = root.child("segflow");
    f.reject_unknown({"train_volumes", "steps"});
    if (f.has("train_volumes")) c.segflow_train_volumes = static_cast<int>(f.integer("train_volumes", 1, Limits::kMaxTrainVolumes));
    if (f.has("steps")) c.segflow_steps = static_cast<int>(f.integer("steps", 1, Limits::kMaxSteps));
  }
  if (root.has("crop")) {
    const auto f = root.child("crop");
    f.reject_unknown({"slices", "size"});
    if (f.has("slices")) c.crop_slices = f.integer("slices", 1, Limits::kMaxCropSlices);
    if (f.has("size")) c.crop_size = f.integer("size", 64, Limits::kMaxCropSize);  // VGG-M needs 64
  }
  if (root.has("model")) {
    const auto f = root.child("model");
    f.reject_unknown({"conv_channels", "fc_width", "dropout", "baseline_input", "head", "covariates", "init_weights"});
    if (f.has("covariates")) c.covariates = f.choices("covariates", kCovariateNames);
    if (f.has("conv_channels")) {
      const auto v = f.numbers("conv_channels", 1, 4096);
      if (v.size() != 5) f.fail("conv_channels", "expected 5 widths (conv1 .. conv5), got " + std::to_string(v.size()));
      c.conv_channels.clear();
      for (double x : v) {
        if (x != static_cast<double>(static_cast<std::int64_t>(x))) f.fail("conv_channels", "widths must be integers");
        c.conv_channels.push_back(static_cast<std::int64_t>(x));
      }
    }
    if (f.has("fc_width")) c.fc_width = f.integer("fc_width", 1, 16384);
    if (f.has("dropout")) c.dropout = f.number("dropout", 0.0, 0.95);
    if (f.has("baseline_input")) c.baseline_input = f.flag("baseline_input");
    if (f.has("head")) c.head = choice(f, "head", {"softmax", "ordinal"}) == "ordinal" ? GradeHead::Ordinal : GradeHead::Softmax;
    if (f.has("init_weights")) {
      c.init_weights = f.text("init_weights");
      if (c.init_weights.empty()) f.fail("init_weights", "an empty path: leave the key out to start from random weights");
    }
  }
  if (root.has("decision")) {
    const auto f = root.child("decision");
    f.reject_unknown({"rule", "criterion"});
    if (f.has("rule")) c.decision.rule = choice(f, "rule", {"paper", "threshold"}) == "paper" ? DecisionRule::Paper : DecisionRule::Threshold;
    if (f.has("criterion"))
      c.decision.criterion = choice(f, "criterion", {"f1", "youden"}) == "youden" ? ThresholdCriterion::Youden : ThresholdCriterion::F1;
  }
}

// optimizer, schedule, training, augmentation, imbalance, compare and validation.
void parse_training(const Fields& root, ExperimentConfig& c) {
  if (root.has("optimizer")) {
    const auto f = root.child("optimizer");
    f.reject_unknown({"kind", "learning_rate", "momentum", "weight_decay"});
    if (f.has("kind")) c.optimizer = choice(f, "kind", names_of(optimizers()));
    if (f.has("learning_rate")) c.learning_rate = f.number("learning_rate", 1e-8, 10.0);
    if (f.has("momentum")) c.momentum = f.number("momentum", 0.0, 0.999);
    if (f.has("weight_decay")) c.weight_decay = f.number("weight_decay", 0.0, 1.0);
  }
  if (root.has("schedule")) {
    const auto f = root.child("schedule");
    f.reject_unknown({"kind", "step_size", "gamma", "warmup_epochs"});
    if (f.has("kind")) c.schedule = choice(f, "kind", names_of(schedules()));
    if (f.has("step_size")) c.step_size = f.integer("step_size", 1, 100000);
    if (f.has("gamma")) c.gamma = f.number("gamma", 1e-6, 1.0);
    if (f.has("warmup_epochs")) c.warmup_epochs = f.integer("warmup_epochs", 0, 1000);
  }
  if (root.has("training")) {
    const auto f = root.child("training");
    f.reject_unknown({"epochs", "batch_size", "data_parallel"});
    if (f.has("epochs")) c.epochs = f.integer("epochs", 1, 10000);
    if (f.has("batch_size")) c.batch_size = f.integer("batch_size", 1, 4096);
    if (f.has("data_parallel")) c.data_parallel = f.flag("data_parallel");
  }
  if (root.has("augmentation")) {
    const auto f = root.child("augmentation");
    f.reject_unknown({"flip", "rotation_deg", "intensity_jitter"});
    if (f.has("flip")) c.flip = f.flag("flip");
    if (f.has("rotation_deg")) c.rotation_deg = f.number("rotation_deg", 0.0, 30.0);
    if (f.has("intensity_jitter")) c.intensity_jitter = f.number("intensity_jitter", 0.0, 0.5);
  }
  if (root.has("imbalance")) c.imbalance = parse_imbalance(root.child("imbalance"), c.imbalance);
  if (root.has("compare"))
    for (const auto& f : root.mappings("compare")) c.compare.push_back(parse_imbalance(f, c.imbalance));
  if (root.has("validation")) {
    const auto f = root.child("validation");
    f.reject_unknown({"fraction", "patience"});
    if (f.has("fraction")) c.validation_fraction = f.number("fraction", 0.0, 0.5);
    if (f.has("patience")) c.patience = f.integer("patience", 1, 10000);
  }
}

}  // namespace

const char* name_of(ImbalanceStrategy s) { return kImbalanceNames[static_cast<std::size_t>(s)]; }

ExperimentConfig parse_experiment(const std::string& yaml, const std::string& source_name,
                                  const std::vector<std::string>& overrides) {
  std::string origin;
  const std::string text = with_overrides(yaml, source_name, overrides, origin);
  const Fields root = Fields::parse(text, origin);
  root.reject_unknown({"name", "pathology", "dataset", "segflow", "crop", "model", "optimizer", "schedule", "training",
                       "augmentation", "imbalance", "compare", "validation", "folds", "seed", "device", "target",
                       "decision"});
  ExperimentConfig c;
  c.source = source_name;
  c.name = root.text("name");
  for (char ch : c.name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
      root.fail("name", "'" + c.name + "' is used as a folder name: letters, digits, '-', '_' and '.' only");
  if (c.name.empty() || c.name.find_first_not_of('.') == std::string::npos)
    root.fail("name", "'" + c.name + "' is used as the run's folder name (runs/<name>): it must name a folder of its own");
  c.pathology = parse_pathology(choice(root, "pathology", {"schneiderman", "bulging", "pfirrmann"}));

  parse_dataset(root, origin, c);
  parse_network(root, c);
  parse_training(root, c);
  if (root.has("folds")) c.folds = static_cast<int>(root.integer("folds", 2, 20));
  if (root.has("seed")) c.seed = static_cast<std::uint64_t>(root.integer("seed", 0, INT64_MAX));
  if (root.has("device")) c.device = choice(root, "device", {"cpu", "cuda"}) == "cuda" ? Device::CUDA : Device::CPU;
  if (root.has("target")) c.target = choice(root, "target", {"followup", "current"}) == "current" ? Target::Current : Target::FollowUp;
  if (c.target == Target::Current) {
    // Grading the image seen: the baseline grade is the label, so it cannot be an input.
    if (root.has("model") && root.child("model").has("baseline_input") && c.baseline_input)
      root.child("model").fail("baseline_input", "with target: current the baseline grade is the label; it cannot also be an input");
    c.baseline_input = false;
    if (root.has("decision")) root.fail("decision", "a progression decision is for target: followup; target: current grades the image");
  }
  if (c.target == Target::Current && !c.compare.empty())
    root.fail("compare", "a comparison of imbalance strategies is for target: followup (progression); with target: current "
                         "run one experiment per strategy");
  return c;
}

ExperimentConfig load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_experiment(io::read_text(path, "experiment file"), path, overrides);
}

std::string ExperimentConfig::to_yaml() const {
  std::ostringstream o;
  o.precision(10);
  o << "# resolved from " << source << ": every key, defaults included\n";
  o << "name: " << name << "\npathology: " << scale_of(pathology).name << "\n";
  o << "dataset:\n  cohort: " << YAML::Dump(YAML::Node(cohort)) << "\n";
  if (ingest)
    o << "  ingest:\n    image_folder: " << YAML::Dump(YAML::Node(ingest->image_folder)) << "\n    labels: "
      << YAML::Dump(YAML::Node(ingest->labels)) << "\n    labels_format: " << ingest->labels_format << "\n";
  if (synthetic) {
    o << "  synthetic:\n";
    std::istringstream lines(synthetic->to_yaml());
    for (std::string line; std::getline(lines, line);) o << "    " << line << "\n";
  }
  o << "segflow:\n  train_volumes: " << segflow_train_volumes << "\n  steps: " << segflow_steps << "\n";
  o << "crop:\n  slices: " << crop_slices << "\n  size: " << crop_size << "\n";
  o << "model:\n  conv_channels: ";
  emit_list(o, conv_channels);
  o << "\n  fc_width: " << fc_width << "\n  dropout: " << dropout << "\n  baseline_input: " << (baseline_input ? "true" : "false")
    << "\n  head: " << (head == GradeHead::Ordinal ? "ordinal" : "softmax") << "\n";
  if (!covariates.empty()) {  // only when set: the run folders of earlier versions resume unchanged
    o << "  covariates: [";
    for (std::size_t i = 0; i < covariates.size(); ++i) o << (i ? ", " : "") << covariates[i];
    o << "]\n";
  }
  if (!init_weights.empty()) o << "  init_weights: " << YAML::Dump(YAML::Node(init_weights)) << "\n";
  o << "optimizer:\n  kind: " << optimizer << "\n  learning_rate: " << learning_rate << "\n  momentum: " << momentum
    << "\n  weight_decay: " << weight_decay << "\n";
  o << "schedule:\n  kind: " << schedule << "\n  step_size: " << step_size << "\n  gamma: " << gamma
    << "\n  warmup_epochs: " << warmup_epochs << "\n";
  o << "training:\n  epochs: " << epochs << "\n  batch_size: " << batch_size << "\n";
  if (data_parallel) o << "  data_parallel: true\n";  // only when set: earlier run folders resume unchanged
  o << "augmentation:\n  flip: " << (flip ? "true" : "false") << "\n  rotation_deg: " << rotation_deg
    << "\n  intensity_jitter: " << intensity_jitter << "\n";
  o << "imbalance:\n";
  emit_imbalance(o, imbalance, "  ");
  if (!compare.empty()) {
    o << "compare:\n";
    for (const auto& c : compare) {
      std::ostringstream item;
      item.precision(10);
      emit_imbalance(item, c, "    ");
      std::string s = item.str();
      s.replace(0, 4, "  - ");
      o << s;
    }
  }
  if (target == Target::FollowUp)
    o << "decision:\n  rule: " << kDecisionRuleNames[static_cast<std::size_t>(decision.rule)]
      << "\n  criterion: " << kThresholdCriterionNames[static_cast<std::size_t>(decision.criterion)] << "\n";
  o << "validation:\n  fraction: " << validation_fraction << "\n  patience: " << patience << "\n";
  o << "folds: " << folds << "\nseed: " << seed << "\ndevice: " << to_string(device)
    << "\ntarget: " << (target == Target::Current ? "current" : "followup") << "\n";
  return o.str();
}

}  // namespace ldd::train
