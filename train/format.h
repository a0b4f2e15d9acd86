// How reports print numbers: full precision in data files, mean ± sd over folds in report tables.
#pragma once
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "train/metrics.h"

namespace ldd::train {

// Enough digits to read back the same double, without trailing noise.
inline std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

inline std::string percent(MeanSd m) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.1f%% ± %.1f%%", 100 * m.mean, 100 * m.sd);
  return buffer;
}

inline std::string fixed3(MeanSd m) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.3f ± %.3f", m.mean, m.sd);
  return buffer;
}

// Mean ± sd over folds of one field of per-fold metrics.
template <typename M, typename Field>
MeanSd over(const std::vector<M>& folds, Field field) {
  std::vector<double> v;
  for (const auto& m : folds) v.push_back(field(m));
  return mean_sd(v);
}

// A confusion matrix ([true][predicted], grade indices from 0) as a markdown table labelled with grades.
inline std::string confusion_markdown(const std::vector<std::vector<std::int64_t>>& confusion, int lowest_grade) {
  const auto n = static_cast<int>(confusion.size());
  std::ostringstream r;
  r << "| true \\ predicted |";
  for (int g = 0; g < n; ++g) r << " " << g + lowest_grade << " |";
  r << "\n|---|";
  for (int g = 0; g < n; ++g) r << "---|";
  r << "\n";
  for (int t = 0; t < n; ++t) {
    r << "| " << t + lowest_grade << " |";
    for (int q = 0; q < n; ++q) r << " " << confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(q)] << " |";
    r << "\n";
  }
  return r.str();
}

}  // namespace ldd::train
