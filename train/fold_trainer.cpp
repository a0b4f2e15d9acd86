#include "train/fold_trainer.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "base/check.h"
#include "base/clock.h"
#include "nn/checkpoint.h"
#include "nn/models/disc_grader.h"
#include "nn/ops.h"
#include "train/augment.h"
#include "train/data_parallel.h"
#include "train/format.h"
#include "train/imbalance_treatment.h"
#include "train/optimizer_registry.h"

namespace ldd::train {

Tensor side_input(const DiscGrader& model, const std::vector<int>& baselines, const std::vector<float>& covariates, Device device) {
  const auto width = static_cast<std::size_t>(model.config().side_inputs);
  if (width == 0) return Tensor();
  const std::size_t n = baselines.size(), k = n ? covariates.size() / n : 0, grades = width - k;
  LDD_CHECK(covariates.size() == n * k && k <= width, "side input: " << covariates.size() << " covariate values for " << n << " discs and "
                                                                     << width << " side inputs");
  std::vector<float> side(n * width, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    if (grades > 0) side[i * width + static_cast<std::size_t>(baselines[i])] = 1.0f;
    std::copy(covariates.begin() + static_cast<long>(i * k), covariates.begin() + static_cast<long>((i + 1) * k), side.begin() + static_cast<long>(i * width + grades));
  }
  return Tensor::from_vector({static_cast<std::int64_t>(n), static_cast<std::int64_t>(width)}, side, device);
}

namespace {

// Training items: the dataset's crops named by sample index, then synthetic (SMOTE) crops after them.
struct TrainingPool {
  const DiscDataset* data = nullptr;
  std::vector<std::size_t> items;     // sample index, or data->samples.size() + k for synthetic crop k
  std::vector<int> labels;            // follow-up grade index of each item
  std::vector<std::size_t> sources;   // the sample whose baseline grade and covariates an item has (a SMOTE crop: its seed's)
  std::vector<std::vector<float>> synthetic;

  const float* crop(std::size_t item) const {
    const std::size_t i = items[item];
    return i < data->samples.size() ? data->crop(i) : synthetic[i - data->samples.size()].data();
  }
};

TrainingPool make_pool(const DiscDataset& data, const std::vector<std::size_t>& train, const ImbalanceTreatment& imbalance,
                       int classes, std::uint64_t seed) {
  TrainingPool pool;
  pool.data = &data;
  pool.items = train;
  for (std::size_t i : train) {
    pool.labels.push_back(data.samples[i].label);
    pool.sources.push_back(i);
  }
  Generator gen(seed);
  auto s = imbalance.synthesize(data, train, pool.labels, classes, gen);
  for (std::size_t k = 0; k < s.features.size(); ++k) {
    pool.items.push_back(data.samples.size() + k);
    pool.labels.push_back(s.labels[k]);
    pool.sources.push_back(pool.sources[s.parents[k].first]);
  }
  pool.synthetic = std::move(s.features);
  return pool;
}

// One batch of training items, augmented: crops, grade targets, and what the side input needs.
struct Batch {
  std::int64_t size = 0;
  std::vector<float> crops;
  std::vector<int> targets, baselines;
  std::vector<float> covariates;
};

// Only the shard's rows [begin + shard.begin, begin + shard.end) are made, but the whole batch's
// augmentation is drawn, so `gen` moves on as it does for one process.
Batch make_batch(const TrainingPool& pool, const std::vector<std::size_t>& order, std::size_t begin, std::size_t end, Shard shard,
                 const AugmentOptions& augment, Generator& gen) {
  const DiscDataset& data = *pool.data;
  const std::int64_t n = data.crop_numel();
  Batch batch;
  batch.size = static_cast<std::int64_t>(shard.size());
  batch.crops.resize(static_cast<std::size_t>(batch.size * n));
  for (std::size_t i = begin; i < end; ++i) {
    const AugmentDraw draw = draw_augmentation(augment, gen);
    if (i < begin + shard.begin || i >= begin + shard.end) continue;
    apply_augmentation(pool.crop(order[i]), batch.crops.data() + static_cast<std::int64_t>(i - begin - shard.begin) * n, data.slices,
                       data.rows, data.cols, draw);
    batch.targets.push_back(pool.labels[order[i]]);
    const std::size_t source = pool.sources[order[i]];
    batch.baselines.push_back(data.samples[source].baseline);
    const auto c = data.covariates_of(source);
    batch.covariates.insert(batch.covariates.end(), c.begin(), c.end());
  }
  return batch;
}

// The items one epoch visits, in order: resampled (over / under) when configured, then shuffled.
std::vector<std::size_t> epoch_order(const TrainingPool& pool, const ImbalanceTreatment& imbalance, int classes, Generator& gen) {
  std::vector<std::size_t> order = imbalance.epoch_items(pool.labels, classes, gen);
  shuffle(order, gen);
  return order;
}

LearningRateSchedule make_schedule(const ExperimentConfig& c) {
  const LearningRateSchedule s = named(schedules(), c.schedule)(c);
  return c.warmup_epochs > 0 ? s.with_warmup(c.warmup_epochs) : s;
}

std::vector<double> softmax_row(const float* z, int classes) {
  const float top = *std::max_element(z, z + classes);
  std::vector<double> p(static_cast<std::size_t>(classes));
  double sum = 0;
  for (int j = 0; j < classes; ++j) sum += (p[static_cast<std::size_t>(j)] = std::exp(static_cast<double>(z[j] - top)));
  for (double& v : p) v /= sum;
  return p;
}

// The grade a row of the network's output stands for, by the rule its predictions use, so that the
// accuracy in history.csv measures what the run reports.
int grade_of(const float* z, int classes, GradeHead head) { return predicted_grade(softmax_row(z, classes), head); }

// Logits of the given samples in evaluation mode, batch by batch.
std::vector<float> predict_logits(DiscGrader& model, const DiscDataset& data, const std::vector<std::size_t>& samples,
                                  std::int64_t batch_size, int classes, Device device) {
  NoGrad no_grad;
  model.eval();
  std::vector<float> logits;
  const std::int64_t n = data.crop_numel();
  for (std::size_t start = 0; start < samples.size(); start += static_cast<std::size_t>(batch_size)) {
    const std::size_t end = std::min(samples.size(), start + static_cast<std::size_t>(batch_size));
    std::vector<float> batch(static_cast<std::size_t>(static_cast<std::int64_t>(end - start) * n));
    std::vector<int> baselines;
    std::vector<float> covariates;
    for (std::size_t i = start; i < end; ++i) {
      std::copy(data.crop(samples[i]), data.crop(samples[i]) + n, batch.begin() + static_cast<std::int64_t>(i - start) * n);
      baselines.push_back(data.samples[samples[i]].baseline);
      const auto c = data.covariates_of(samples[i]);
      covariates.insert(covariates.end(), c.begin(), c.end());
    }
    const Tensor x = Tensor::from_vector({static_cast<std::int64_t>(end - start), data.slices, data.rows, data.cols}, batch, device);
    const auto out = model.forward(x, side_input(model, baselines, covariates, device)).to_vector();
    LDD_CHECK(out.size() == (end - start) * static_cast<std::size_t>(classes), "predict: unexpected output size");
    logits.insert(logits.end(), out.begin(), out.end());
  }
  model.train();
  return logits;
}

// The validation discs' loss and accuracy after an epoch, into `record`.
void score_validation(DiscGrader& model, const DiscDataset& data, const std::vector<std::size_t>& validation, std::int64_t batch_size,
                      int classes, Device device, EpochRecord& record) {
  const auto z = predict_logits(model, data, validation, batch_size, classes, device);
  std::vector<int> targets;
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < validation.size(); ++i) {
    targets.push_back(data.samples[validation[i]].label);
    correct += grade_of(z.data() + static_cast<std::int64_t>(i) * classes, classes, model.config().head) == targets.back();
  }
  NoGrad no_grad;
  record.validation_loss = cross_entropy(Tensor::from_vector({static_cast<std::int64_t>(targets.size()), classes}, z), targets).item();
  record.validation_accuracy = static_cast<double>(correct) / static_cast<double>(targets.size());
}

// Early stopping on the validation loss, and where it stood when the fold's checkpoint was written.
struct EarlyStopping {
  double best_loss = INFINITY;
  std::int64_t since_best = 0;
  bool stopped = false;
};

void resume_fold(const std::filesystem::path& checkpoint, DiscGrader& model, Optimizer& optimizer, const DiscGraderConfig& mc,
                 FoldResult& result, EarlyStopping& stopping) {
  const CheckpointInfo info = load_checkpoint(checkpoint, model, &optimizer);
  LDD_CHECK(info.model_config == mc.describe(), checkpoint.string() << ": the checkpoint's model differs from the config's;"
                                                                    << " start again without --resume or use another --out");
  result.history = history_from_checkpoint(info.extras.at("history"), checkpoint);
  stopping.best_loss = read_number(info.extras.at("best_loss"));
  stopping.since_best = std::stoll(info.extras.at("since_best"));
  result.best_epoch = std::stoll(info.extras.at("best_epoch"));
  stopping.stopped = info.extras.at("stopped") == "1";
}

void save_fold(const std::filesystem::path& checkpoint, const DiscGrader& model, const Optimizer& optimizer, const DiscGraderConfig& mc,
               const FoldResult& result, const EarlyStopping& stopping, int fold) {
  save_checkpoint(checkpoint, model, &optimizer,
                  {.model_config = mc.describe(),
                   .epoch = result.history.back().epoch,
                   .step = optimizer.steps(),
                   .extras = {{"history", history_csv(result.history)},
                              {"best_loss", number(stopping.best_loss, kExactDigits)},
                              {"since_best", std::to_string(stopping.since_best)},
                              {"best_epoch", std::to_string(result.best_epoch)},
                              {"stopped", stopping.stopped ? "1" : "0"},
                              {"fold", std::to_string(fold + 1)}}});
}

// What every epoch of a fold trains with.
struct EpochTraining {
  const ExperimentConfig& c;
  const ImbalanceTreatment& imbalance;
  const TrainingPool& pool;
  std::vector<float> weights;  // the loss's class weights
  int fold;
  const FoldOptions& options;
};

// One pass over `order` in batches (forward, loss, backward, step), the running loss and accuracy into
// `record`; returns the number of batches.
std::int64_t train_batches(const EpochTraining& t, DiscGrader& model, Optimizer& optimizer, const std::vector<std::size_t>& order,
                           Generator& gen, EpochRecord& record) {
  const ExperimentConfig& c = t.c;
  const DiscDataset& data = *t.pool.data;
  const int classes = c.classes();
  const AugmentOptions augment{.flip = c.flip, .rotation_deg = c.rotation_deg, .intensity_jitter = c.intensity_jitter};
  const auto batches = static_cast<std::int64_t>((order.size() + static_cast<std::size_t>(c.batch_size) - 1) /
                                                 static_cast<std::size_t>(c.batch_size));
  const ProcessGroup* group = t.options.shards;
  const int rank = group ? group->rank() : 0, ranks = group ? group->size() : 1;
  double loss_sum = 0;
  std::int64_t seen = 0, right = 0;
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::size_t begin = static_cast<std::size_t>(b * c.batch_size);
    const std::size_t end = std::min(order.size(), begin + static_cast<std::size_t>(c.batch_size));
    const Shard shard = shard_of(end - begin, rank, ranks);
    const Batch batch = make_batch(t.pool, order, begin, end, shard, augment, gen);
    const std::vector<int>& targets = batch.targets;
    optimizer.zero_grad();
    double value = 0, right_here = 0;
    if (batch.size > 0) {
      model.set_batch_offset(static_cast<std::int64_t>(shard.begin));
      const Tensor logits = model.forward(Tensor::from_vector({batch.size, data.slices, data.rows, data.cols}, batch.crops, t.options.device),
                                          side_input(model, batch.baselines, batch.covariates, t.options.device));
      const Tensor loss = t.imbalance.loss(logits, targets, t.weights);
      value = loss.item();
      if (std::isfinite(value)) loss.backward();
      const auto z = logits.detach().to_vector();
      for (std::int64_t i = 0; i < batch.size; ++i) right_here += grade_of(z.data() + i * classes, classes, model.config().head) == targets[static_cast<std::size_t>(i)];
    }
    if (ranks > 1) {  // every rank's gradient, weighted by its share of the batch's loss, summed in rank order
      std::vector<int> all;
      for (std::size_t i = begin; i < end; ++i) all.push_back(t.pool.labels[order[i]]);
      const double share = loss_weight(all, t.weights, shard.begin, shard.end) / loss_weight(all, t.weights, 0, all.size());
      std::vector<double> flat = flat_gradients(model, share, {share * value, right_here});
      group->sum(flat);
      const auto totals = set_flat_gradients(model, flat, 2);
      value = totals[0];
      right_here = totals[1];
    }
    LDD_CHECK(std::isfinite(value), "fold " << t.fold + 1 << ", epoch " << record.epoch << ": the loss became " << value
                                            << "; lower optimizer.learning_rate");
    optimizer.step();
    const auto m = static_cast<std::int64_t>(end - begin);
    right += std::llround(right_here);
    loss_sum += value * static_cast<double>(m);
    seen += m;
    record.train_loss = loss_sum / static_cast<double>(seen);
    record.train_accuracy = static_cast<double>(right) / static_cast<double>(seen);
    if (t.options.progress && b + 1 < batches) t.options.progress(record, b + 1, batches);
  }
  model.set_batch_offset(0);
  return batches;
}


}  // namespace

std::vector<DiscOutput> predict_discs(DiscGrader& model, const DiscDataset& data, const std::vector<std::size_t>& samples,
                                      std::int64_t batch_size, Device device) {
  const int classes = static_cast<int>(model.config().vggm.classes);
  const auto z = predict_logits(model, data, samples, batch_size, classes, device);
  std::vector<DiscOutput> outputs;
  for (std::size_t i = 0; i < samples.size(); ++i)
    outputs.push_back(disc_output(data, samples[i], softmax_row(z.data() + static_cast<std::int64_t>(i) * classes, classes),
                                  model.config().head));
  return outputs;
}

int predicted_grade(const std::vector<double>& probabilities, GradeHead head) {
  if (head == GradeHead::Softmax)
    return static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin());
  double below = 0;
  for (std::size_t k = 0; k + 1 < probabilities.size(); ++k)
    if ((below += probabilities[k]) >= 0.5) return static_cast<int>(k);
  return static_cast<int>(probabilities.size()) - 1;
}

DiscOutput disc_output(const DiscDataset& data, std::size_t sample, std::vector<double> probabilities, GradeHead head) {
  DiscOutput out;
  out.sample = sample;
  out.probabilities = std::move(probabilities);
  out.predicted = predicted_grade(out.probabilities, head);
  if (data.target == Target::FollowUp)
    for (std::size_t k = static_cast<std::size_t>(data.samples[sample].baseline) + 1; k < out.probabilities.size(); ++k)
      out.p_progression += out.probabilities[k];
  return out;
}

DiscGraderConfig grader_config(const ExperimentConfig& c, const DiscDataset& data) {
  DiscGraderConfig mc;
  mc.vggm.in_channels = data.slices;
  mc.vggm.height = data.rows;
  mc.vggm.width = data.cols;
  mc.vggm.classes = c.classes();
  std::copy(c.conv_channels.begin(), c.conv_channels.end(), mc.vggm.conv_channels.begin());
  mc.vggm.fc_width = c.fc_width;
  mc.vggm.dropout = static_cast<float>(c.dropout);
  mc.vggm.validate();
  mc.side_inputs = (c.baseline_input && data.target == Target::FollowUp ? c.classes() : 0) + static_cast<std::int64_t>(c.covariates.size());
  mc.head = c.head;
  return mc;
}

void check_init_weights_file(const ExperimentConfig& c) {
  LDD_CHECK(c.init_weights.empty() || std::filesystem::is_regular_file(c.init_weights),
            c.source << ": model.init_weights: '" << c.init_weights << "' is not a file (a run's fold-K/checkpoint.h5 or best.h5)");
}

void load_init_weights(const ExperimentConfig& c, DiscGrader& model) {
  if (c.init_weights.empty()) return;
  check_init_weights_file(c);
  try {
    load_checkpoint(c.init_weights, model);
  } catch (const Error& e) {
    throw Error(c.source + ": model.init_weights: " + e.what() +
                    " (pre-training needs the same model section, crop and pathology as this experiment)",
                e.where());
  }
}

std::filesystem::path fold_weights(const std::filesystem::path& fold_dir) {
  return std::filesystem::exists(fold_dir / run_file::best) ? fold_dir / run_file::best : fold_dir / run_file::checkpoint;
}

std::uint64_t mix_seed(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull;
  for (std::uint64_t p : parts) {
    h ^= p + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
  }
  return h;
}

FoldResult train_fold(const ExperimentConfig& c, const ImbalanceConfig& imbalance, const DiscDataset& data, const FoldSplit& split,
                      int fold, const std::filesystem::path& dir, const FoldOptions& options) {
  LDD_CHECK(!split.train.empty() && !split.test.empty(), "fold " << fold + 1 << ": empty training or test set");
  // A rank without rows skips the batch's forward and so its dropout draws: harmless on an epoch's last
  // batch (the next epoch reseeds), not on every batch.
  LDD_CHECK(!options.shards || c.batch_size >= options.shards->size(),
            c.source << ": training.batch_size " << c.batch_size << " is smaller than the " << options.shards->size()
                     << " ranks of training.data_parallel: each rank needs a share of every batch (raise it, or use fewer ranks)");
  const int classes = c.classes();
  const auto f = static_cast<std::uint64_t>(fold);
  std::filesystem::create_directories(dir);
  const auto checkpoint = dir / run_file::checkpoint, best = dir / run_file::best;

  const DiscGraderConfig mc = grader_config(c, data);
  Generator init_gen(mix_seed({c.seed, f, 0}));
  DiscGrader model(mc, InitScheme::Kaiming, init_gen);
  load_init_weights(c, model);
  model.to(options.device);
  const auto optimizer = named(optimizers(), c.optimizer)(c, model);
  const LearningRateSchedule schedule = make_schedule(c);

  const auto treatment = make_imbalance_treatment(imbalance);
  const TrainingPool pool = make_pool(data, split.train, *treatment, classes, mix_seed({c.seed, f, 1}));
  const EpochTraining training{c, *treatment, pool, treatment->class_weights(pool.labels, classes), fold, options};
  const bool validate = !split.validation.empty();
  const bool writes = !options.shards || options.shards->is_root();  // data-parallel: rank 0 alone writes

  FoldResult result;
  EarlyStopping stopping;
  if (options.resume && std::filesystem::exists(checkpoint)) resume_fold(checkpoint, model, *optimizer, mc, result, stopping);

  for (std::int64_t epoch = static_cast<std::int64_t>(result.history.size()); epoch < c.epochs && !stopping.stopped; ++epoch) {
    const double start = monotonic_seconds();
    manual_seed(mix_seed({c.seed, f, 2, static_cast<std::uint64_t>(epoch)}));  // dropout masks
    Generator gen(mix_seed({c.seed, f, 3, static_cast<std::uint64_t>(epoch)}));
    const auto order = epoch_order(pool, *treatment, classes, gen);
    EpochRecord record;
    record.epoch = epoch + 1;
    record.learning_rate = c.learning_rate * schedule.factor(epoch);
    optimizer->set_learning_rate(record.learning_rate);
    model.train();
    const std::int64_t batches = train_batches(training, model, *optimizer, order, gen, record);
    if (validate) {
      score_validation(model, data, split.validation, c.batch_size, classes, options.device, record);
      if (record.validation_loss < stopping.best_loss) {
        stopping.best_loss = record.validation_loss;
        stopping.since_best = 0;
        result.best_epoch = record.epoch;
        if (writes) save_checkpoint(best, model, nullptr, {.model_config = mc.describe(), .epoch = record.epoch, .step = optimizer->steps()});
      } else if (++stopping.since_best >= c.patience) {
        stopping.stopped = true;
      }
    } else {
      result.best_epoch = record.epoch;
    }
    record.seconds = monotonic_seconds() - start;
    result.history.push_back(record);
    if (options.progress) options.progress(record, batches, batches);
    if (writes) save_fold(checkpoint, model, *optimizer, mc, result, stopping, fold);
  }
  if (!writes) return result;  // rank 0 predicts; the weights are the same on every rank
  if (validate && std::filesystem::exists(best)) load_checkpoint(best, model);

  result.test = predict_discs(model, data, split.test, c.batch_size, options.device);
  // The discs a progression threshold is chosen on: the validation split, else the training discs.
  if (data.target == Target::FollowUp)
    result.fit = predict_discs(model, data, validate ? split.validation : split.train, c.batch_size, options.device);
  return result;
}

}  // namespace ldd::train
