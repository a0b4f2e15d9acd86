// The cumulative-link (proportional-odds) head for an ordinal grade: one score s per row and K - 1
// ordered cut-points theta_1 < ... < theta_{K-1} give P(grade <= k) = sigmoid(theta_k - s), so a higher
// score moves probability to higher grades at every cut at once (McCullagh 1980).
#pragma once
#include "nn/tensor.h"

namespace ldd {

// score (N, 1) and raw cut-points (K - 1) -> log P(grade = k), (N, K); rows sum to 1 in probability, so
// the result can stand where logits do (cross_entropy's log-softmax leaves it unchanged). The cut-points
// are theta_1 = raw_1 and theta_k = theta_{k-1} + softplus(raw_k): ordered for any raw values.
// Computed on the host in double (N x K is small) for any device; backward accumulates into both inputs.
Tensor cumulative_link_log_probs(const Tensor& score, const Tensor& raw_cutpoints);

}  // namespace ldd
