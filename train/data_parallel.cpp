#include "train/data_parallel.h"

#include "base/check.h"

namespace ldd::train {

Shard shard_of(std::size_t rows, int rank, int ranks) {
  LDD_CHECK(ranks >= 1 && rank >= 0 && rank < ranks, "data-parallel shard: rank " << rank << " of " << ranks);
  const auto r = static_cast<std::size_t>(rank), n = static_cast<std::size_t>(ranks);
  return {rows * r / n, rows * (r + 1) / n};
}

double loss_weight(const std::vector<int>& targets, const std::vector<float>& class_weights, std::size_t begin, std::size_t end) {
  double sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += class_weights.empty() ? 1.0 : class_weights[static_cast<std::size_t>(targets[i])];
  return sum;
}

std::vector<double> flat_gradients(const Module& model, double share, const std::vector<double>& extras) {
  std::vector<double> flat;
  for (const Tensor& p : model.parameters()) {
    const Tensor g = p.grad();
    if (!g.defined()) {
      flat.insert(flat.end(), static_cast<std::size_t>(p.numel()), 0.0);
      continue;
    }
    for (float v : g.to_vector()) flat.push_back(share * static_cast<double>(v));
  }
  flat.insert(flat.end(), extras.begin(), extras.end());
  return flat;
}

std::vector<double> set_flat_gradients(Module& model, const std::vector<double>& flat, std::size_t extras) {
  std::size_t at = 0;
  for (Tensor& p : model.parameters()) {
    const auto n = static_cast<std::size_t>(p.numel());
    LDD_CHECK(at + n + extras <= flat.size(), "data-parallel: " << flat.size() << " summed values for a larger model");
    std::vector<float> g(n);
    for (std::size_t i = 0; i < n; ++i) g[i] = static_cast<float>(flat[at + i]);
    p.set_grad(Tensor::from_vector(p.shape(), g, p.device()));
    at += n;
  }
  LDD_CHECK(at + extras == flat.size(), "data-parallel: " << flat.size() << " summed values for " << at << " parameters and " << extras
                                                           << " extras");
  return {flat.begin() + static_cast<long>(at), flat.end()};
}

}  // namespace ldd::train
