// The statistics of a graded cohort in the form of the paper's Tables 1-3, and a text report that puts
// them next to the tables a synthetic cohort was generated from.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "data/cohort/record.h"
#include "data/synth/config.h"

namespace ldd::synth {

struct CohortStatistics {
  std::array<int, 3> subjects_by_age_group{};
  int male = 0, female = 0;
  std::array<int, 3> subjects_by_bmi_group{};
  // Per scale; shares in [0, 1] over discs graded at both visits (baseline/follow-up shares over discs
  // graded at that visit).
  std::array<std::vector<double>, kPathologies> baseline_share, followup_share;
  std::array<double, kPathologies> progression_share{};
  std::array<std::array<double, 3>, kPathologies> progression_by_age_group{};
  std::array<std::vector<std::vector<double>>, kPathologies> baseline_given_followup;  // [f][b]
  std::array<std::vector<int>, kPathologies> followup_count;                         // discs per follow-up grade
};

CohortStatistics compute_statistics(const std::vector<SubjectRecord>& subjects, const Demographics& groups);

// Largest absolute differences (in share units) between a cohort and the tables it should follow.
struct Deviation {
  double table1 = 0, table2 = 0, table3 = 0;
};
// Table 3 rows of follow-up grades with fewer than `min_row_discs` discs are skipped: their shares are
// too noisy to compare (e.g. bulging follow-up grade 3, 0.2 % of discs).
Deviation compare(const CohortStatistics& stats, const SynthConfig& paper, int min_row_discs = 50);

std::string format_report(const CohortStatistics& stats, const SynthConfig& paper);

}  // namespace ldd::synth
