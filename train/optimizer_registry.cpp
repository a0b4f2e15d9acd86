#include "train/optimizer_registry.h"

#include <algorithm>

#include "nn/optim/adam.h"
#include "nn/optim/sgd.h"

namespace ldd::train {

const std::vector<Named<MakeOptimizer>>& optimizers() {
  static const std::vector<Named<MakeOptimizer>> table{
      {"sgd",
       [](const ExperimentConfig& c, const Module& model) -> std::unique_ptr<Optimizer> {
         return std::make_unique<Sgd>(model.named_parameters(),
                                      SgdOptions{.learning_rate = c.learning_rate, .momentum = c.momentum, .weight_decay = c.weight_decay});
       }},
      {"adam",
       [](const ExperimentConfig& c, const Module& model) -> std::unique_ptr<Optimizer> {
         return std::make_unique<Adam>(model.named_parameters(), AdamOptions{.learning_rate = c.learning_rate, .weight_decay = c.weight_decay});
       }},
      {"adamw",
       [](const ExperimentConfig& c, const Module& model) -> std::unique_ptr<Optimizer> {
         return std::make_unique<Adam>(model.named_parameters(), AdamOptions{.learning_rate = c.learning_rate, .weight_decay = c.weight_decay,
                                                                            .decoupled_weight_decay = true});
       }},
  };
  return table;
}

const std::vector<Named<MakeSchedule>>& schedules() {
  static const std::vector<Named<MakeSchedule>> table{
      {"constant", [](const ExperimentConfig&) { return LearningRateSchedule::constant(); }},
      {"step", [](const ExperimentConfig& c) { return LearningRateSchedule::step(c.step_size, c.gamma); }},
      // Annealed to 1 % of the rate over the epochs after the warm-up.
      {"cosine",
       [](const ExperimentConfig& c) { return LearningRateSchedule::cosine(std::max<std::int64_t>(1, c.epochs - c.warmup_epochs), 0.01); }},
  };
  return table;
}

}  // namespace ldd::train
