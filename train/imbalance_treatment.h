// How a fold's training answers class imbalance, chosen once from `imbalance.strategy`
// (experiments/README.md): a strategy adds synthetic training crops (SMOTE, Borderline-SMOTE), changes
// the items each epoch visits (random over- or under-sampling), or changes the loss (class weights,
// focal). What a strategy does not change is plain training: no new crops, every item once per epoch,
// unweighted cross-entropy. Validation and test discs are never touched.
#pragma once
#include <memory>
#include <vector>

#include "base/random.h"
#include "data/imbalance.h"
#include "nn/tensor.h"
#include "train/disc_dataset.h"
#include "train/experiment_config.h"

namespace ldd::train {

class ImbalanceTreatment {
 public:
  virtual ~ImbalanceTreatment() = default;
  // New training crops and their labels, drawn from the `train` samples' crops (`labels`: theirs).
  virtual imbalance::Synthetic synthesize(const DiscDataset& data, const std::vector<std::size_t>& train, const std::vector<int>& labels,
                                          int classes, Generator& gen) const;
  // The items (indices into `labels`, every training item's) one epoch visits, before they are shuffled.
  virtual std::vector<std::size_t> epoch_items(const std::vector<int>& labels, int classes, Generator& gen) const;
  // The loss's class weights from every training item's label; empty: every class weighs 1.
  virtual std::vector<float> class_weights(const std::vector<int>& labels, int classes) const;
  virtual Tensor loss(const Tensor& logits, const std::vector<int>& targets, const std::vector<float>& class_weights) const;
};

std::unique_ptr<ImbalanceTreatment> make_imbalance_treatment(const ImbalanceConfig& config);

}  // namespace ldd::train
