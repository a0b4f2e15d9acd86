// How reports print numbers (full precision in data files, mean ± sd over folds in report tables), and
// how a data file's numbers are read back.
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/version.h"
#include "train/metrics.h"

namespace ldd::train {

// Significant digits of a number in the data files, and of one that must read back as the same double.
inline constexpr int kDataDigits = 10;
inline constexpr int kExactDigits = 17;

// A number as the data files hold it: kDataDigits significant digits, without trailing noise, for what a
// fold is evaluated from (train/run_folder.h: a resumed run gives the same numbers as one that ran
// through); kExactDigits for what a resumed fold must compare exactly (the checkpoint's early-stopping
// state and history): it reads back as the same double ("nan", "inf" included).
inline std::string number(double v, int digits = kDataDigits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
  return buffer;
}

// A number as number() wrote it, the whole cell or word ("nan", "inf" included). Throws
// std::invalid_argument (a std::logic_error, as std::stod does) when it is not one. Unlike std::stod it
// reads a subnormal value (a probability under 2.2e-308 a softmax can give): stod threw on it, and a
// fold whose file held one could not be read back or resumed.
inline double read_number(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || (errno == ERANGE && std::isinf(v)))
    throw std::invalid_argument("not a number: '" + text + "'");
  return v;
}

// number() for JSON: an undefined value (ROC-AUC of a fold with one class) is null, never a made-up number.
inline std::string json_number(double v) { return std::isfinite(v) ? number(v) : "null"; }

// {"version": ..., "commit": ...}: the software that wrote a metrics.json.
inline std::string json_software() {
  return std::string("{\"version\": \"") + tools::version() + "\", \"commit\": \"" + tools::commit() + "\"}";
}

inline std::string percent(MeanSd m) {
  if (std::isnan(m.mean)) return "n/a";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.1f%% ± %.1f%%", 100 * m.mean, 100 * m.sd);
  return buffer;
}

// A value with `digits` decimals; "n/a" where it is undefined.
inline std::string fixed(double v, int digits = 3) {
  if (std::isnan(v)) return "n/a";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

inline std::string fixed3(MeanSd m) {
  if (std::isnan(m.mean)) return "n/a";
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

// Per-fold metrics' fields by their JSON names, for metrics.json.
template <typename M>
using NamedFields = std::vector<std::pair<const char*, std::function<double(const M&)>>>;

// {"name": {"mean": ..., "sd": ...}, ...} over folds, one field per line at `indent`.
template <typename M>
std::string json_summary(const std::vector<M>& folds, const NamedFields<M>& fields, const std::string& indent) {
  std::ostringstream o;
  o << "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const MeanSd m = over(folds, fields[i].second);
    o << (i ? ",\n" : "\n") << indent << "  \"" << fields[i].first << "\": {\"mean\": " << json_number(m.mean) << ", \"sd\": " << json_number(m.sd)
      << "}";
  }
  o << "\n" << indent << "}";
  return o.str();
}

// One fold's object: number, discs, every field and the confusion matrix (M has discs and confusion).
template <typename M>
std::string json_fold(const M& m, int fold, const NamedFields<M>& fields, const std::string& indent) {
  std::ostringstream o;
  o << indent << "{\"fold\": " << fold << ", \"discs\": " << m.discs;
  for (const auto& [name, field] : fields) o << ", \"" << name << "\": " << json_number(field(m));
  o << ",\n" << indent << " \"confusion\": [";
  for (std::size_t r = 0; r < m.confusion.size(); ++r) {
    o << (r ? ", " : "") << "[";
    for (std::size_t c = 0; c < m.confusion[r].size(); ++c) o << (c ? ", " : "") << m.confusion[r][c];
    o << "]";
  }
  o << "]}";
  return o.str();
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
