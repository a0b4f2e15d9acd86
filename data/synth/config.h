// Parameters of the synthetic longitudinal cohort. Defaults reproduce the paper's cohort (Tables 1-3 of
// seed/paper.txt) and MRI protocol; data/synth/defaults.yaml documents every key with these values.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "data/cohort/grades.h"
#include "data/synth/risk_signs.h"

namespace ldd::synth {

// One grading scale's statistics, grades indexed from the scale's lowest grade.
struct GradeTable {
  std::vector<double> followup_share;                        // Table 2: follow-up grade distribution
  std::vector<std::vector<double>> baseline_given_followup;  // Table 3: [follow-up][baseline]
  std::array<double, 3> progression_by_age_group{};          // Table 1: share of discs that progress
};

struct Demographics {
  double age_mean = 44.8, age_sd = 9.7, age_min = 18.0, age_max = 80.0;
  std::array<double, 2> age_group_edges{40.0, 50.0};  // groups: < 40, 40-50, >= 50 years
  double female_share = 819.0 / 1343.0;
  std::array<double, 3> bmi_group_share{100.0 / 1343.0, 920.0 / 1343.0, 323.0 / 1343.0};  // <18.5, 18.5-25, >25
  std::vector<double> institution_intensity{1.0, 0.8, 1.25};  // one scanner gain per institution
};

// The latent model behind the grades (docs in data/synth/README.md). Weights are standard-deviation
// shares of standard normal latents; what they leave is independent noise.
struct Latent {
  double level_weight = 0.35;            // lower levels degenerate more
  double age_severity_weight = 0.15;     // older discs start more degenerate (more would fight Table 1)
  double shared_severity_weight = 0.60;  // one disc's three scales move together
  // The hidden per-disc propensity's share of each scale's progression latent (Schneiderman, bulging,
  // Pfirrmann); with the visibility below, calibrated so the image oracle reaches the paper's Table 4.
  std::array<double, kPathologies> propensity_weight{0.85, 0.99, 0.85};
  double propensity_visibility = 0.82;   // correlation of each baseline risk sign with the propensity
};

struct Imaging {
  std::int64_t slices = 12, rows = 448, cols = 336;
  double pixel_mm = 0.625, slice_thickness_mm = 5.0, slice_gap_mm = 1.0;
  double noise_sd = 18.0;          // intensity units of a 0-1000 T2 scale
  double bias_field = 0.15;        // peak relative gain change across the field of view
  double max_shift_mm = 4.0;       // follow-up repositioning, each axis in the sagittal plane
  double max_rotation_deg = 3.0;   // follow-up in-plane rotation
  double max_slice_shift_mm = 1.5; // follow-up lateral offset
  int compression = 1;             // gzip level of stored images (0 = none)
};

struct SynthConfig {
  std::int64_t subjects = 1343;
  std::uint64_t seed = 1;
  Demographics demographics;
  Latent latent;
  Imaging imaging;
  RiskSignAmplitudes risk_signs;
  std::array<GradeTable, kPathologies> tables = paper_tables();

  static std::array<GradeTable, kPathologies> paper_tables();
  // The whole configuration as YAML, stored in every cohort file for provenance.
  std::string to_yaml() const;
  // Checks sums, sizes and ranges; throws naming the field.
  void validate() const;
};

// Reads a YAML file; absent keys keep their defaults, unknown keys and bad values are errors naming the
// file and the key path.
SynthConfig load_synth_config(const std::string& path);
SynthConfig parse_synth_config(const std::string& yaml, const std::string& source_name);

}  // namespace ldd::synth
