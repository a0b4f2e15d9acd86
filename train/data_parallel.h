// Data-parallel training of one fold (`training.data_parallel: true` under `mpirun -np N`): every rank
// holds the same network, takes one shard of every batch, and the ranks' gradients are summed in rank
// order, so all of them take the same step. The effective batch stays `training.batch_size`.
//
// Each shard's loss is the class-weighted mean over its own rows; scaled by its share of the batch's
// total weight, the shards' gradients add up to the whole batch's gradient. The augmentation draws and the
// dropout masks are those of the whole batch (train/augment.h, Module::set_batch_offset), so N ranks take
// the step one process takes, up to float rounding: the order in which GEMMs and the sum add rows.
#pragma once
#include <cstddef>
#include <vector>

#include "nn/module.h"

namespace ldd::train {

// Rows [begin, end) of a batch of `rows`: rank r of N takes rows r * rows / N to (r + 1) * rows / N.
struct Shard {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};
Shard shard_of(std::size_t rows, int rank, int ranks);

// The loss's normaliser over targets [begin, end): sum of class_weights[target] (1 each when empty).
double loss_weight(const std::vector<int>& targets, const std::vector<float>& class_weights, std::size_t begin, std::size_t end);

// The parameters' gradients times `share` (zeros for a parameter without one), then `extras` appended: the
// one vector the ranks sum.
std::vector<double> flat_gradients(const Module& model, double share, const std::vector<double>& extras);
// The summed vector back into the parameters' gradients; returns its last `extras` values.
std::vector<double> set_flat_gradients(Module& model, const std::vector<double>& flat, std::size_t extras);

}  // namespace ldd::train
