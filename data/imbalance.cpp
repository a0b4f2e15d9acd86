#include "data/imbalance.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/check.h"

namespace ldd::imbalance {
namespace {

std::vector<std::vector<std::size_t>> by_class(const std::vector<int>& labels, int classes) {
  std::vector<std::vector<std::size_t>> out(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    LDD_CHECK(labels[i] >= 0 && labels[i] < classes, "imbalance: label " << labels[i] << " of sample " << i << " is outside [0, "
                                                                          << classes << ")");
    out[static_cast<std::size_t>(labels[i])].push_back(i);
  }
  return out;
}

std::size_t draw(Generator& gen, std::size_t n) { return static_cast<std::size_t>(gen.next_u64() % n); }

double distance2(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (std::size_t d = 0; d < a.size(); ++d) s += (static_cast<double>(a[d]) - b[d]) * (static_cast<double>(a[d]) - b[d]);
  return s;
}

// The k nearest of `candidates` to sample i (excluding i itself), nearest first; ties by index.
std::vector<std::size_t> nearest(const std::vector<std::vector<float>>& x, std::size_t i, const std::vector<std::size_t>& candidates,
                                 int k) {
  std::vector<std::pair<double, std::size_t>> d;
  for (std::size_t j : candidates)
    if (j != i) d.emplace_back(distance2(x[i], x[j]), j);
  const std::size_t keep = std::min<std::size_t>(static_cast<std::size_t>(k), d.size());
  std::partial_sort(d.begin(), d.begin() + static_cast<long>(keep), d.end());
  std::vector<std::size_t> out;
  for (std::size_t n = 0; n < keep; ++n) out.push_back(d[n].second);
  return out;
}

Synthetic oversample_from(const std::vector<std::vector<float>>& x, const std::vector<std::vector<std::size_t>>& groups,
                          const std::vector<std::vector<std::size_t>>& seeds, int k, double ratio, Generator& gen) {
  LDD_CHECK(ratio > 0.0 && ratio <= 1.0, "SMOTE: sampling_strategy must be in (0, 1], got " << ratio);
  std::size_t majority = 0;
  for (const auto& g : groups) majority = std::max(majority, g.size());
  const auto target = static_cast<std::size_t>(ratio * static_cast<double>(majority) + 1e-9);  // floor, as imbalanced-learn
  Synthetic out;
  for (std::size_t c = 0; c < groups.size(); ++c) {
    const auto& members = groups[c];
    // A lone sample has no neighbour to interpolate towards; it stays as it is.
    if (members.size() < 2 || members.size() >= target || seeds[c].empty()) continue;
    std::vector<std::vector<std::size_t>> neighbours(x.size());
    for (std::size_t i : seeds[c]) neighbours[i] = nearest(x, i, members, k);
    for (std::size_t n = members.size(); n < target; ++n) {
      const std::size_t i = seeds[c][draw(gen, seeds[c].size())];
      const std::size_t j = neighbours[i][draw(gen, neighbours[i].size())];
      const float u = static_cast<float>(gen.uniform());
      std::vector<float> sample(x[i].size());
      for (std::size_t d = 0; d < sample.size(); ++d) sample[d] = x[i][d] + u * (x[j][d] - x[i][d]);
      out.features.push_back(std::move(sample));
      out.labels.push_back(static_cast<int>(c));
      out.parents.emplace_back(i, j);
    }
  }
  return out;
}

}  // namespace

std::vector<std::size_t> random_oversample(const std::vector<int>& labels, int classes, Generator& gen) {
  const auto groups = by_class(labels, classes);
  std::size_t majority = 0;
  for (const auto& g : groups) majority = std::max(majority, g.size());
  std::vector<std::size_t> out;
  for (const auto& g : groups) {
    if (g.empty()) continue;
    out.insert(out.end(), g.begin(), g.end());
    for (std::size_t n = g.size(); n < majority; ++n) out.push_back(g[draw(gen, g.size())]);
  }
  return out;
}

std::vector<std::size_t> random_undersample(const std::vector<int>& labels, int classes, Generator& gen) {
  auto groups = by_class(labels, classes);
  std::size_t minority = labels.size();
  for (const auto& g : groups)
    if (!g.empty()) minority = std::min(minority, g.size());
  std::vector<std::size_t> out;
  for (auto& g : groups) {
    shuffle(g, gen);
    out.insert(out.end(), g.begin(), g.begin() + static_cast<long>(std::min(minority, g.size())));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<float> inverse_frequency_weights(const std::vector<int>& labels, int classes) {
  const auto groups = by_class(labels, classes);
  std::vector<float> w(static_cast<std::size_t>(classes), 0.0f);
  for (std::size_t c = 0; c < groups.size(); ++c)
    if (!groups[c].empty())
      w[c] = static_cast<float>(static_cast<double>(labels.size()) / (classes * static_cast<double>(groups[c].size())));
  return w;
}

std::vector<float> effective_number_weights(const std::vector<int>& labels, int classes, double beta) {
  LDD_CHECK(beta >= 0.0 && beta < 1.0, "effective-number weights: beta must be in [0, 1), got " << beta);
  const auto groups = by_class(labels, classes);
  std::vector<double> raw(static_cast<std::size_t>(classes), 0.0);
  double sum = 0;
  int present = 0;
  for (std::size_t c = 0; c < groups.size(); ++c) {
    if (groups[c].empty()) continue;
    raw[c] = (1.0 - beta) / (1.0 - std::pow(beta, static_cast<double>(groups[c].size())));
    sum += raw[c];
    ++present;
  }
  std::vector<float> w(static_cast<std::size_t>(classes), 0.0f);
  for (std::size_t c = 0; c < raw.size(); ++c) w[c] = static_cast<float>(raw[c] * present / sum);
  return w;
}

Synthetic smote(const std::vector<std::vector<float>>& x, const std::vector<int>& labels, int classes, int k, Generator& gen,
                double sampling_strategy) {
  LDD_CHECK(x.size() == labels.size(), "SMOTE: " << x.size() << " samples for " << labels.size() << " labels");
  LDD_CHECK(k >= 1, "SMOTE: k_neighbors must be >= 1, got " << k);
  const auto groups = by_class(labels, classes);
  return oversample_from(x, groups, groups, k, sampling_strategy, gen);
}

Synthetic borderline_smote(const std::vector<std::vector<float>>& x, const std::vector<int>& labels, int classes, int k, int m,
                           Generator& gen, double sampling_strategy) {
  LDD_CHECK(x.size() == labels.size(), "Borderline-SMOTE: " << x.size() << " samples for " << labels.size() << " labels");
  LDD_CHECK(k >= 1 && m >= 1, "Borderline-SMOTE: k_neighbors and m_neighbors must be >= 1");
  const auto groups = by_class(labels, classes);
  std::vector<std::size_t> everyone(x.size());
  std::iota(everyone.begin(), everyone.end(), std::size_t{0});
  std::vector<std::vector<std::size_t>> danger(groups.size());
  for (std::size_t c = 0; c < groups.size(); ++c)
    for (std::size_t i : groups[c]) {
      int others = 0;
      const auto around = nearest(x, i, everyone, m);
      for (std::size_t j : around) others += labels[j] != static_cast<int>(c);
      if (2 * others >= static_cast<int>(around.size()) && others < static_cast<int>(around.size())) danger[c].push_back(i);
    }
  return oversample_from(x, groups, danger, k, sampling_strategy, gen);
}

}  // namespace ldd::imbalance
