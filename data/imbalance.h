// Class-imbalance strategies for training folds (never applied to validation or test folds):
// resampling of sample indices, loss weights, and SMOTE / Borderline-SMOTE synthetic minority samples
// with imbalanced-learn's conventions (sampling_strategy "auto": every class but the majority is
// brought up to the majority's count).
#pragma once
#include <cstdint>
#include <vector>

#include "base/random.h"

namespace ldd::imbalance {

// Indices into the samples, each class repeated (over) or thinned (under) at random to the largest
// (smallest) class count. Classes are 0 .. classes-1; absent classes stay absent.
std::vector<std::size_t> random_oversample(const std::vector<int>& labels, int classes, Generator& gen);
std::vector<std::size_t> random_undersample(const std::vector<int>& labels, int classes, Generator& gen);

// Loss weights per class: "balanced" n / (classes * n_c), as scikit-learn; and Cui et al. 2019's
// effective number (1 - beta) / (1 - beta^n_c), scaled to sum to the number of present classes.
// Absent classes get weight 0.
std::vector<float> inverse_frequency_weights(const std::vector<int>& labels, int classes);
std::vector<float> effective_number_weights(const std::vector<int>& labels, int classes, double beta = 0.999);

struct Synthetic {
  std::vector<std::vector<float>> features;  // new samples only
  std::vector<int> labels;
  std::vector<std::pair<std::size_t, std::size_t>> parents;  // (sample, neighbour) each new one lies between
};

// SMOTE (Chawla et al. 2002): for each minority class, new samples x_i + u (x_j - x_i), u ~ U[0, 1),
// x_i a random sample of the class, x_j one of its k nearest neighbours within the class (Euclidean).
// Each class is raised to floor(sampling_strategy x the majority's count) (imbalanced-learn's float
// sampling_strategy, extended to several classes); a class with a single sample is left as it is.
Synthetic smote(const std::vector<std::vector<float>>& features, const std::vector<int>& labels, int classes,
                int k_neighbors, Generator& gen, double sampling_strategy = 1.0);
// Borderline-SMOTE-1 (Han et al. 2005): only samples "in danger" (of their m nearest neighbours among all
// samples, at least half but not all belong to other classes) seed new samples, towards their k nearest
// same-class neighbours.
Synthetic borderline_smote(const std::vector<std::vector<float>>& features, const std::vector<int>& labels, int classes,
                           int k_neighbors, int m_neighbors, Generator& gen, double sampling_strategy = 1.0);

}  // namespace ldd::imbalance
