#include "train/imbalance_treatment.h"

#include "nn/ops/loss.h"

namespace ldd::train {

imbalance::Synthetic ImbalanceTreatment::synthesize(const DiscDataset&, const std::vector<std::size_t>&, const std::vector<int>&, int,
                                                    Generator&) const {
  return {};
}

std::vector<std::size_t> ImbalanceTreatment::epoch_items(const std::vector<int>& labels, int, Generator&) const {
  std::vector<std::size_t> items;
  for (std::size_t i = 0; i < labels.size(); ++i) items.push_back(i);
  return items;
}

std::vector<float> ImbalanceTreatment::class_weights(const std::vector<int>&, int) const { return {}; }

Tensor ImbalanceTreatment::loss(const Tensor& logits, const std::vector<int>& targets, const std::vector<float>& class_weights) const {
  return cross_entropy(logits, targets, {.class_weights = class_weights});
}

namespace {

class Oversample : public ImbalanceTreatment {
  std::vector<std::size_t> epoch_items(const std::vector<int>& labels, int classes, Generator& gen) const override {
    return imbalance::random_oversample(labels, classes, gen);
  }
};

class Undersample : public ImbalanceTreatment {
  std::vector<std::size_t> epoch_items(const std::vector<int>& labels, int classes, Generator& gen) const override {
    return imbalance::random_undersample(labels, classes, gen);
  }
};

class InverseFrequencyWeights : public ImbalanceTreatment {
  std::vector<float> class_weights(const std::vector<int>& labels, int classes) const override {
    return imbalance::inverse_frequency_weights(labels, classes);
  }
};

class EffectiveNumberWeights : public ImbalanceTreatment {
 public:
  explicit EffectiveNumberWeights(double beta) : beta_(beta) {}

 private:
  std::vector<float> class_weights(const std::vector<int>& labels, int classes) const override {
    return imbalance::effective_number_weights(labels, classes, beta_);
  }
  double beta_;
};

class Focal : public ImbalanceTreatment {
 public:
  explicit Focal(double gamma) : gamma_(gamma) {}

 private:
  Tensor loss(const Tensor& logits, const std::vector<int>& targets, const std::vector<float>& class_weights) const override {
    return focal_loss(logits, targets, gamma_, class_weights);
  }
  double gamma_;
};

// SMOTE works in crop space: each crop is one point of slices x rows x cols dimensions.
std::vector<std::vector<float>> crops_of(const DiscDataset& data, const std::vector<std::size_t>& train) {
  std::vector<std::vector<float>> crops;
  for (std::size_t i : train) crops.emplace_back(data.crop(i), data.crop(i) + data.crop_numel());
  return crops;
}

class Smote : public ImbalanceTreatment {
 public:
  explicit Smote(const ImbalanceConfig& config) : c_(config) {}

 private:
  imbalance::Synthetic synthesize(const DiscDataset& data, const std::vector<std::size_t>& train, const std::vector<int>& labels, int classes,
                                  Generator& gen) const override {
    return imbalance::smote(crops_of(data, train), labels, classes, c_.k_neighbors, gen, c_.sampling_strategy);
  }
  ImbalanceConfig c_;
};

class BorderlineSmote : public ImbalanceTreatment {
 public:
  explicit BorderlineSmote(const ImbalanceConfig& config) : c_(config) {}

 private:
  imbalance::Synthetic synthesize(const DiscDataset& data, const std::vector<std::size_t>& train, const std::vector<int>& labels, int classes,
                                  Generator& gen) const override {
    return imbalance::borderline_smote(crops_of(data, train), labels, classes, c_.k_neighbors, c_.m_neighbors, gen, c_.sampling_strategy);
  }
  ImbalanceConfig c_;
};

}  // namespace

std::unique_ptr<ImbalanceTreatment> make_imbalance_treatment(const ImbalanceConfig& c) {
  switch (c.strategy) {
    case ImbalanceStrategy::None: return std::make_unique<ImbalanceTreatment>();
    case ImbalanceStrategy::Oversample: return std::make_unique<Oversample>();
    case ImbalanceStrategy::Undersample: return std::make_unique<Undersample>();
    case ImbalanceStrategy::Weighted: return std::make_unique<InverseFrequencyWeights>();
    case ImbalanceStrategy::EffectiveNumber: return std::make_unique<EffectiveNumberWeights>(c.beta);
    case ImbalanceStrategy::Focal: return std::make_unique<Focal>(c.gamma);
    case ImbalanceStrategy::Smote: return std::make_unique<Smote>(c);
    case ImbalanceStrategy::BorderlineSmote: return std::make_unique<BorderlineSmote>(c);
  }
  return std::make_unique<ImbalanceTreatment>();
}

}  // namespace ldd::train
