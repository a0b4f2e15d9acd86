// Who the synthetic subjects are and how their discs are graded at both visits (no images yet).
//
// The grades come from a latent model whose marginals are fixed by construction (data/synth/README.md):
// a disc's baseline severity latent is ranked across the cohort and cut at the baseline grade shares
// implied by Tables 2-3; its progression latent (mostly the hidden propensity, partly age) is ranked
// within each baseline grade and cut at P(follow-up | baseline). Tables 2 and 3 therefore hold up to
// rounding at any cohort size; the age weight of each scale is fitted so Table 1's progression by age
// group holds as closely as one weight allows.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "data/cohort/grades.h"
#include "data/cohort/record.h"
#include "data/synth/config.h"
#include "data/synth/risk_signs.h"

namespace ldd::synth {

struct SyntheticSubject {
  SubjectRecord record;
  std::array<float, kLevels> propensity{};            // hidden, standard normal: evaluation only
  std::array<RiskSignAmounts, kLevels> risk_signs{};  // what the baseline image shows of it (sign_amount), per level
};

struct Population {
  std::vector<SyntheticSubject> subjects;
  std::array<double, kPathologies> fitted_age_weight{};  // per scale, for the report
};

Population draw_population(const SynthConfig& config);
// The subjects' records (what a real cohort would know), without the hidden propensities.
std::vector<SubjectRecord> records_of(const Population& population);

// Baseline grade shares implied by Tables 2-3 (sum over follow-up of P(f) P(b | f)).
std::vector<double> baseline_shares(const GradeTable& table);
// P(follow-up | baseline) implied by the same tables; rows of baselines that never occur are all zero.
std::vector<std::vector<double>> followup_given_baseline(const GradeTable& table);

// 0, 1 or 2 for the three age groups of Table 1.
int age_group(double age, const Demographics& d);

}  // namespace ldd::synth
