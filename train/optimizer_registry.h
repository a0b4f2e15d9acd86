// The optimizers and learning-rate schedules an experiment names (optimizer.kind, schedule.kind), each
// built from its name in one table: the config accepts exactly these names and lists them, in this
// order, when it refuses one; the fold trainer builds what the name says (STYLE.md #12).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "base/check.h"
#include "nn/module.h"
#include "nn/optim/optimizer.h"
#include "nn/optim/schedule.h"
#include "train/experiment_config.h"

namespace ldd::train {

template <typename Make>
struct Named {
  const char* name;
  Make make;
};

using MakeOptimizer = std::unique_ptr<Optimizer> (*)(const ExperimentConfig& config, const Module& model);
// The schedule over the epochs after the warm-up, which the fold trainer adds (schedule.warmup_epochs).
using MakeSchedule = LearningRateSchedule (*)(const ExperimentConfig& config);

const std::vector<Named<MakeOptimizer>>& optimizers();
const std::vector<Named<MakeSchedule>>& schedules();

template <typename Make>
std::vector<std::string> names_of(const std::vector<Named<Make>>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.push_back(entry.name);
  return names;
}

// The entry called `name`; an ldd::Error listing the names when there is none (the config checks first).
template <typename Make>
Make named(const std::vector<Named<Make>>& table, const std::string& name) {
  for (const auto& entry : table)
    if (name == entry.name) return entry.make;
  std::string list;
  for (const auto& n : names_of(table)) list += (list.empty() ? "" : " | ") + n;
  throw Error("'" + name + "' is not one of " + list);
}

}  // namespace ldd::train
