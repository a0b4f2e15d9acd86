#include "train/imbalance_treatment.h"

#include <functional>

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

// SMOTE and Borderline-SMOTE, in crop space: each crop is one point of slices x rows x cols dimensions.
class Synthesis : public ImbalanceTreatment {
 public:
  using Draw = std::function<imbalance::Synthetic(const std::vector<std::vector<float>>& crops, const std::vector<int>& labels, int classes,
                                                  Generator& gen)>;
  explicit Synthesis(Draw draw) : draw_(std::move(draw)) {}

 private:
  imbalance::Synthetic synthesize(const DiscDataset& data, const std::vector<std::size_t>& train, const std::vector<int>& labels, int classes,
                                  Generator& gen) const override {
    std::vector<std::vector<float>> crops;
    for (std::size_t i : train) crops.emplace_back(data.crop(i), data.crop(i) + data.crop_numel());
    return draw_(crops, labels, classes, gen);
  }
  Draw draw_;
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
    case ImbalanceStrategy::Smote:
      return std::make_unique<Synthesis>([c](const auto& crops, const auto& labels, int classes, Generator& gen) {
        return imbalance::smote(crops, labels, classes, c.k_neighbors, gen, c.sampling_strategy);
      });
    case ImbalanceStrategy::BorderlineSmote:
      return std::make_unique<Synthesis>([c](const auto& crops, const auto& labels, int classes, Generator& gen) {
        return imbalance::borderline_smote(crops, labels, classes, c.k_neighbors, c.m_neighbors, gen, c.sampling_strategy);
      });
  }
  return std::make_unique<ImbalanceTreatment>();
}

}  // namespace ldd::train
