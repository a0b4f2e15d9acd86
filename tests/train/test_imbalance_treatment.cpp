// The imbalance strategy chosen once as an object (train/imbalance_treatment.h): each strategy changes
// what data/imbalance.h says it does and nothing else; and the optimizer and schedule tables.
#include <doctest/doctest.h>

#include "base/check.h"
#include "nn/ops/loss.h"
#include "train/imbalance_treatment.h"
#include "train/optimizer_registry.h"

using namespace ldd;
using namespace ldd::train;

TEST_CASE("each imbalance strategy changes its one part of training and leaves the rest plain" * doctest::test_suite("smoke")) {
  const std::vector<int> labels{0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 1, 0};
  const int classes = 3;
  const std::vector<std::size_t> every{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const std::vector<float> z{0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f, 0.0f, 1.0f, 0.75f};
  const Tensor logits = Tensor::from_vector({3, 3}, z);
  const std::vector<int> targets{2, 0, 1};
  const DiscDataset no_crops;
  for (std::size_t k = 0; k < std::size(kImbalanceNames); ++k) {
    ImbalanceConfig config;
    config.strategy = static_cast<ImbalanceStrategy>(k);
    config.gamma = 1.5;
    const auto treatment = make_imbalance_treatment(config);
    CAPTURE(kImbalanceNames[k]);
    Generator a(5), b(5);
    const auto items = treatment->epoch_items(labels, classes, a);
    if (config.strategy == ImbalanceStrategy::Oversample)
      CHECK(items == imbalance::random_oversample(labels, classes, b));
    else if (config.strategy == ImbalanceStrategy::Undersample)
      CHECK(items == imbalance::random_undersample(labels, classes, b));
    else
      CHECK(items == every);
    const auto weights = treatment->class_weights(labels, classes);
    if (config.strategy == ImbalanceStrategy::Weighted)
      CHECK(weights == imbalance::inverse_frequency_weights(labels, classes));
    else if (config.strategy == ImbalanceStrategy::EffectiveNumber)
      CHECK(weights == imbalance::effective_number_weights(labels, classes, config.beta));
    else
      CHECK(weights.empty());
    const float loss = treatment->loss(logits, targets, weights).item();
    CHECK(loss == (config.strategy == ImbalanceStrategy::Focal ? focal_loss(logits, targets, 1.5) : cross_entropy(logits, targets, {.class_weights = weights})).item());
    if (config.strategy != ImbalanceStrategy::Smote && config.strategy != ImbalanceStrategy::BorderlineSmote)
      CHECK(treatment->synthesize(no_crops, {}, {}, classes, a).features.empty());
  }
}

TEST_CASE("optimizers and schedules are built from their names, and an unknown name lists the known ones") {
  CHECK(names_of(optimizers()) == std::vector<std::string>{"sgd", "adam", "adamw"});
  CHECK(names_of(schedules()) == std::vector<std::string>{"constant", "step", "cosine"});
  ExperimentConfig c;
  c.epochs = 10;
  c.step_size = 3;
  c.gamma = 0.5;
  CHECK(named(schedules(), "step")(c).factor(7) == doctest::Approx(0.25));
  CHECK(named(schedules(), "cosine")(c).factor(10) == doctest::Approx(0.01));
  CHECK_THROWS_WITH_AS(named(schedules(), "linear"), "'linear' is not one of constant | step | cosine", Error);
}
