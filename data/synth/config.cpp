#include "data/synth/config.h"

#include <cmath>
#include <sstream>

#include "base/check.h"
#include "data/config/yaml_fields.h"
#include "data/io/text_file.h"

namespace ldd::synth {
namespace {

const char* name_of(int p) { return scale_of(kAllPathologies[static_cast<std::size_t>(p)]).name; }

void emit(std::ostringstream& out, const std::vector<double>& v) {
  out << "[";
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
  out << "]";
}

template <std::size_t N>
void emit(std::ostringstream& out, const std::array<double, N>& v) {
  emit(out, std::vector<double>(v.begin(), v.end()));
}

template <std::size_t N>
std::array<double, N> fixed(const config::Fields& f, const std::string& key, double low, double high) {
  const auto v = f.numbers(key, low, high);
  if (v.size() != N) f.fail(key, "expected " + std::to_string(N) + " numbers, got " + std::to_string(v.size()));
  std::array<double, N> out{};
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

}  // namespace

std::array<GradeTable, kPathologies> SynthConfig::paper_tables() {
  return {{
      {{0.064, 0.510, 0.392, 0.034},
       {{0.928, 0.042, 0.026, 0.004}, {0.851, 0.094, 0.046, 0.009}, {0.236, 0.278, 0.386, 0.100},
        {0.022, 0.035, 0.253, 0.690}},
       {0.564, 0.674, 0.691}},
      {{0.603, 0.380, 0.015, 0.002},
       {{0.958, 0.042, 0.0, 0.0}, {0.574, 0.411, 0.015, 0.0}, {0.391, 0.545, 0.055, 0.009}, {0.10, 0.50, 0.40, 0.0}},
       {0.137, 0.247, 0.315}},
      {{0.008, 0.350, 0.329, 0.294, 0.019},
       {{0.019, 0.870, 0.111, 0.0, 0.0},
        {0.005, 0.483, 0.493, 0.019, 0.0},
        {0.0, 0.163, 0.649, 0.188, 0.0},
        {0.0, 0.040, 0.203, 0.749, 0.008},
        {0.0, 0.008, 0.038, 0.731, 0.223}},
       {0.103, 0.145, 0.175}},
  }};
}

std::string SynthConfig::to_yaml() const {
  std::ostringstream o;
  o.precision(10);
  o << "cohort:\n  subjects: " << subjects << "\n  seed: " << seed << "\n";
  const auto& d = demographics;
  o << "demographics:\n  age_mean: " << d.age_mean << "\n  age_sd: " << d.age_sd << "\n  age_min: " << d.age_min
    << "\n  age_max: " << d.age_max << "\n  age_group_edges: ";
  emit(o, d.age_group_edges);
  o << "\n  female_share: " << d.female_share << "\n  bmi_group_share: ";
  emit(o, d.bmi_group_share);
  o << "\n  institution_intensity: ";
  emit(o, d.institution_intensity);
  const auto& l = latent;
  o << "\nlatent:\n  level_weight: " << l.level_weight << "\n  age_severity_weight: " << l.age_severity_weight
    << "\n  shared_severity_weight: " << l.shared_severity_weight << "\n  propensity_weight:";
  for (int p = 0; p < kPathologies; ++p) o << "\n    " << name_of(p) << ": " << l.propensity_weight[static_cast<std::size_t>(p)];
  o << "\n  propensity_visibility: " << l.propensity_visibility << "\nrisk_signs:";
  const auto amplitudes = risk_signs.as_array();
  for (int k = 0; k < kRiskSigns; ++k) o << "\n  " << kRiskSignNames[k] << ": " << amplitudes[static_cast<std::size_t>(k)];
  o << "\n";
  const auto& i = imaging;
  o << "imaging:\n  slices: " << i.slices << "\n  rows: " << i.rows << "\n  cols: " << i.cols << "\n  pixel_mm: "
    << i.pixel_mm << "\n  slice_thickness_mm: " << i.slice_thickness_mm << "\n  slice_gap_mm: " << i.slice_gap_mm
    << "\n  noise_sd: " << i.noise_sd << "\n  bias_field: " << i.bias_field << "\n  max_shift_mm: " << i.max_shift_mm
    << "\n  max_rotation_deg: " << i.max_rotation_deg << "\n  max_slice_shift_mm: " << i.max_slice_shift_mm
    << "\n  compression: " << i.compression << "\ntables:\n";
  for (int p = 0; p < kPathologies; ++p) {
    const auto& t = tables[static_cast<std::size_t>(p)];
    o << "  " << name_of(p) << ":\n    followup: ";
    emit(o, t.followup_share);
    o << "\n    baseline_given_followup:\n";
    for (const auto& row : t.baseline_given_followup) {
      o << "      - ";
      emit(o, row);
      o << "\n";
    }
    o << "    progression_by_age: ";
    emit(o, t.progression_by_age_group);
    o << "\n";
  }
  return o.str();
}

void SynthConfig::validate() const {
  LDD_CHECK(subjects >= 1, "synth: cohort.subjects must be >= 1, got " << subjects);
  LDD_CHECK(demographics.age_group_edges[0] < demographics.age_group_edges[1],
            "synth: demographics.age_group_edges must increase");
  LDD_CHECK(!demographics.institution_intensity.empty(), "synth: demographics.institution_intensity is empty");
  for (int p = 0; p < kPathologies; ++p) {
    const auto& t = tables[static_cast<std::size_t>(p)];
    const int n = scale_of(kAllPathologies[static_cast<std::size_t>(p)]).count();
    LDD_CHECK(static_cast<int>(t.followup_share.size()) == n,
              "synth: tables." << name_of(p) << ".followup needs " << n << " shares, got " << t.followup_share.size());
    LDD_CHECK(static_cast<int>(t.baseline_given_followup.size()) == n,
              "synth: tables." << name_of(p) << ".baseline_given_followup needs " << n << " rows");
    double sum = 0;
    for (double v : t.followup_share) sum += v;
    LDD_CHECK(std::abs(sum - 1.0) < 0.02, "synth: tables." << name_of(p) << ".followup sums to " << sum << ", not 1");
    for (std::size_t r = 0; r < t.baseline_given_followup.size(); ++r) {
      const auto& row = t.baseline_given_followup[r];
      LDD_CHECK(static_cast<int>(row.size()) == n,
                "synth: tables." << name_of(p) << ".baseline_given_followup[" << r << "] needs " << n << " shares");
      double row_sum = 0;
      for (double v : row) row_sum += v;
      LDD_CHECK(std::abs(row_sum - 1.0) < 0.02, "synth: tables." << name_of(p) << ".baseline_given_followup[" << r
                                                                   << "] sums to " << row_sum << ", not 1");
    }
  }
  const auto& l = latent;
  LDD_CHECK(l.level_weight * l.level_weight + l.age_severity_weight * l.age_severity_weight +
                    l.shared_severity_weight * l.shared_severity_weight <=
                1.0,
            "synth: latent.level_weight^2 + age_severity_weight^2 + shared_severity_weight^2 must be <= 1");
  LDD_CHECK(imaging.rows >= 128 && imaging.cols >= 96 && imaging.slices >= 1,
            "synth: imaging needs rows >= 128, cols >= 96, slices >= 1");
}

namespace {

// cohort: how many subjects, and the seed.
void parse_cohort(const config::Fields& f, SynthConfig& c) {
  f.reject_unknown({"subjects", "seed"});
  if (f.has("subjects")) c.subjects = f.integer("subjects", 1, 1000000);
  if (f.has("seed")) c.seed = static_cast<std::uint64_t>(f.integer("seed", 0, INT64_MAX));
}

// demographics: age, sex, BMI groups and institutions.
void parse_demographics(const config::Fields& f, SynthConfig& c) {
  f.reject_unknown({"age_mean", "age_sd", "age_min", "age_max", "age_group_edges", "female_share", "bmi_group_share",
                    "institution_intensity"});
  auto& d = c.demographics;
  if (f.has("age_mean")) d.age_mean = f.number("age_mean", 18, 100);
  if (f.has("age_sd")) d.age_sd = f.number("age_sd", 0.1, 50);
  if (f.has("age_min")) d.age_min = f.number("age_min", 0, 120);
  if (f.has("age_max")) d.age_max = f.number("age_max", 0, 120);
  if (f.has("age_group_edges")) d.age_group_edges = fixed<2>(f, "age_group_edges", 0, 120);
  if (f.has("female_share")) d.female_share = f.number("female_share", 0, 1);
  if (f.has("bmi_group_share")) d.bmi_group_share = fixed<3>(f, "bmi_group_share", 0, 1);
  if (f.has("institution_intensity")) d.institution_intensity = f.numbers("institution_intensity", 0.1, 10);
}

// latent: what drives degeneration and its progression.
void parse_latent(const config::Fields& f, SynthConfig& c) {
  f.reject_unknown({"level_weight", "age_severity_weight", "shared_severity_weight", "propensity_weight",
                    "propensity_visibility"});
  auto& l = c.latent;
  if (f.has("level_weight")) l.level_weight = f.number("level_weight", 0, 1);
  if (f.has("age_severity_weight")) l.age_severity_weight = f.number("age_severity_weight", 0, 1);
  if (f.has("shared_severity_weight")) l.shared_severity_weight = f.number("shared_severity_weight", 0, 1);
  if (f.has("propensity_weight")) {
    const auto w = f.child("propensity_weight");
    w.reject_unknown({"schneiderman", "bulging", "pfirrmann"});
    for (int p = 0; p < kPathologies; ++p)
      if (w.has(name_of(p))) l.propensity_weight[static_cast<std::size_t>(p)] = w.number(name_of(p), 0, 1);
  }
  if (f.has("propensity_visibility")) l.propensity_visibility = f.number("propensity_visibility", 0, 1);
}

// risk_signs: how strongly a disc shows its propensity to progress.
void parse_risk_signs(const config::Fields& f, SynthConfig& c) {
  f.reject_unknown({std::begin(kRiskSignNames), std::end(kRiskSignNames)});
  auto& a = c.risk_signs;
  double* fields[kRiskSigns] = {&a.nucleus_signal_loss, &a.annulus_signal, &a.height_loss,
                                &a.modic_change,        &a.high_intensity_zone, &a.posterior_bulge_mm};
  static constexpr double kHighest[kRiskSigns] = {0.3, 0.35, 0.3, 1.0, 1000, 5};  // keeps every drawn signal and height positive
  for (int k = 0; k < kRiskSigns; ++k)
    if (f.has(kRiskSignNames[k])) *fields[k] = f.number(kRiskSignNames[k], 0, kHighest[k]);
}

// imaging: the MRI geometry, noise and motion.
void parse_imaging(const config::Fields& f, SynthConfig& c) {
  f.reject_unknown({"slices", "rows", "cols", "pixel_mm", "slice_thickness_mm", "slice_gap_mm", "noise_sd",
                    "bias_field", "max_shift_mm", "max_rotation_deg", "max_slice_shift_mm", "compression"});
  auto& i = c.imaging;
  if (f.has("slices")) i.slices = f.integer("slices", 1, 64);
  if (f.has("rows")) i.rows = f.integer("rows", 128, 2048);
  if (f.has("cols")) i.cols = f.integer("cols", 96, 2048);
  if (f.has("pixel_mm")) i.pixel_mm = f.number("pixel_mm", 0.1, 5);
  if (f.has("slice_thickness_mm")) i.slice_thickness_mm = f.number("slice_thickness_mm", 0.5, 20);
  if (f.has("slice_gap_mm")) i.slice_gap_mm = f.number("slice_gap_mm", 0, 20);
  if (f.has("noise_sd")) i.noise_sd = f.number("noise_sd", 0, 500);
  if (f.has("bias_field")) i.bias_field = f.number("bias_field", 0, 0.9);
  if (f.has("max_shift_mm")) i.max_shift_mm = f.number("max_shift_mm", 0, 30);
  if (f.has("max_rotation_deg")) i.max_rotation_deg = f.number("max_rotation_deg", 0, 20);
  if (f.has("max_slice_shift_mm")) i.max_slice_shift_mm = f.number("max_slice_shift_mm", 0, 10);
  if (f.has("compression")) i.compression = static_cast<int>(f.integer("compression", 0, 9));
}

// tables: the grade tables the cohort is drawn to match.
void parse_tables(const config::Fields& f, SynthConfig& c) {
  f.reject_unknown({"schneiderman", "bulging", "pfirrmann"});
  for (int p = 0; p < kPathologies; ++p) {
    if (!f.has(name_of(p))) continue;
    const auto t = f.child(name_of(p));
    t.reject_unknown({"followup", "baseline_given_followup", "progression_by_age"});
    auto& table = c.tables[static_cast<std::size_t>(p)];
    if (t.has("followup")) table.followup_share = t.numbers("followup", 0, 1);
    if (t.has("baseline_given_followup")) table.baseline_given_followup = t.number_rows("baseline_given_followup", 0, 1);
    if (t.has("progression_by_age")) table.progression_by_age_group = fixed<3>(t, "progression_by_age", 0, 1);
  }
}

}  // namespace

SynthConfig parse_synth_config(const std::string& yaml, const std::string& source_name) {
  const config::Fields root = config::Fields::parse(yaml, source_name);
  SynthConfig c;
  root.reject_unknown({"cohort", "demographics", "latent", "risk_signs", "imaging", "tables"});
  if (root.has("cohort")) parse_cohort(root.child("cohort"), c);
  if (root.has("demographics")) parse_demographics(root.child("demographics"), c);
  if (root.has("latent")) parse_latent(root.child("latent"), c);
  if (root.has("risk_signs")) parse_risk_signs(root.child("risk_signs"), c);
  if (root.has("imaging")) parse_imaging(root.child("imaging"), c);
  if (root.has("tables")) parse_tables(root.child("tables"), c);
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(source_name + ": " + e.what());
  }
  return c;
}

SynthConfig load_synth_config(const std::string& path) {
  return parse_synth_config(io::read_text(path), path);
}

}  // namespace ldd::synth
