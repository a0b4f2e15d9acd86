// Checkpoints: a model's parameters, an optimizer's state and where training stood, in one HDF5 file
// (layout: nn/CHECKPOINT.md). Saving writes a temporary file and renames it, so a run killed while
// saving keeps its previous checkpoint; loading checks every name and shape and names the first mismatch.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "nn/module.h"
#include "nn/optim/optimizer.h"

namespace ldd {

struct CheckpointInfo {
  std::string model_config{};                 // "key=value" lines, e.g. VggMConfig::describe()
  std::int64_t epoch = 0, step = 0;           // completed epochs and optimizer steps
  std::map<std::string, std::string> extras{};  // anything else a caller wants back (experiment config, fold, ...)
};

void save_checkpoint(const std::filesystem::path& path, const Module& model, const Optimizer* optimizer,
                     const CheckpointInfo& info);

// Restores the parameters, and the optimizer's state when one is given (its kind must match).
CheckpointInfo load_checkpoint(const std::filesystem::path& path, Module& model, Optimizer* optimizer = nullptr);
// What a checkpoint says of itself, without loading it (to check it fits a model before building one).
CheckpointInfo read_checkpoint_info(const std::filesystem::path& path);

}  // namespace ldd
