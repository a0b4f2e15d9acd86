#include "data/synth/report.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "data/synth/population.h"

namespace ldd::synth {
namespace {

int bmi_group(double bmi) { return bmi < 18.5 ? 0 : bmi < 25.0 ? 1 : 2; }

std::vector<double> normalised(std::vector<double> v) {
  double total = 0;
  for (double x : v) total += x;
  if (total > 0)
    for (double& x : v) x /= total;
  return v;
}

}  // namespace

CohortStatistics compute_statistics(const std::vector<SubjectRecord>& subjects, const Demographics& groups) {
  CohortStatistics s;
  std::array<std::array<double, 3>, kPathologies> progressed{}, graded{};
  std::array<std::vector<std::vector<double>>, kPathologies> joint;  // [f][b] counts
  for (int p = 0; p < kPathologies; ++p) {
    const int n = scale_of(kAllPathologies[static_cast<std::size_t>(p)]).count();
    s.baseline_share[static_cast<std::size_t>(p)].assign(static_cast<std::size_t>(n), 0.0);
    s.followup_share[static_cast<std::size_t>(p)].assign(static_cast<std::size_t>(n), 0.0);
    joint[static_cast<std::size_t>(p)].assign(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n), 0.0));
  }
  for (const auto& subject : subjects) {
    const int age = age_group(subject.age, groups);
    ++s.subjects_by_age_group[static_cast<std::size_t>(age)];
    (subject.sex == 'M' ? s.male : s.female) += subject.sex == 'M' || subject.sex == 'F';
    if (subject.bmi > 0) ++s.subjects_by_bmi_group[static_cast<std::size_t>(bmi_group(subject.bmi))];
    for (int p = 0; p < kPathologies; ++p) {
      const Pathology path = kAllPathologies[static_cast<std::size_t>(p)];
      const int lowest = scale_of(path).lowest;
      const auto pi = static_cast<std::size_t>(p);
      for (int l = 0; l < kLevels; ++l) {
        const int b = subject.grade(Visit::Baseline, path, l), f = subject.grade(Visit::FollowUp, path, l);
        if (b != kMissingGrade) s.baseline_share[pi][static_cast<std::size_t>(b - lowest)] += 1;
        if (f != kMissingGrade) s.followup_share[pi][static_cast<std::size_t>(f - lowest)] += 1;
        if (b == kMissingGrade || f == kMissingGrade) continue;
        graded[pi][static_cast<std::size_t>(age)] += 1;
        progressed[pi][static_cast<std::size_t>(age)] += f > b;
        joint[pi][static_cast<std::size_t>(f - lowest)][static_cast<std::size_t>(b - lowest)] += 1;
      }
    }
  }
  for (std::size_t p = 0; p < kPathologies; ++p) {
    double all_progressed = 0, all_graded = 0;
    for (std::size_t g = 0; g < 3; ++g) {
      s.progression_by_age_group[p][g] = graded[p][g] > 0 ? progressed[p][g] / graded[p][g] : 0.0;
      all_progressed += progressed[p][g];
      all_graded += graded[p][g];
    }
    s.progression_share[p] = all_graded > 0 ? all_progressed / all_graded : 0.0;
    s.baseline_share[p] = normalised(s.baseline_share[p]);
    s.followup_share[p] = normalised(s.followup_share[p]);
    for (const auto& row : joint[p]) {
      double count = 0;
      for (double v : row) count += v;
      s.followup_count[p].push_back(static_cast<int>(count));
      s.baseline_given_followup[p].push_back(normalised(row));
    }
  }
  return s;
}

Deviation compare(const CohortStatistics& s, const SynthConfig& paper, int min_row_discs) {
  Deviation d;
  for (std::size_t p = 0; p < kPathologies; ++p) {
    const GradeTable& t = paper.tables[p];
    for (std::size_t g = 0; g < 3; ++g)
      d.table1 = std::max(d.table1, std::abs(s.progression_by_age_group[p][g] - t.progression_by_age_group[g]));
    const auto expected_baseline = baseline_shares(t);
    const auto expected_followup = normalised(t.followup_share);
    double expected_progression = 0;
    const auto f_given_b = followup_given_baseline(t);
    for (std::size_t b = 0; b < f_given_b.size(); ++b)
      for (std::size_t f = b + 1; f < f_given_b.size(); ++f) expected_progression += f_given_b[b][f];
    d.table2 = std::max(d.table2, std::abs(s.progression_share[p] - expected_progression));
    for (std::size_t g = 0; g < expected_baseline.size(); ++g) {
      d.table2 = std::max(d.table2, std::abs(s.baseline_share[p][g] - expected_baseline[g]));
      d.table2 = std::max(d.table2, std::abs(s.followup_share[p][g] - expected_followup[g]));
    }
    for (std::size_t f = 0; f < t.baseline_given_followup.size(); ++f) {
      if (s.followup_count[p][f] < min_row_discs) continue;
      const auto expected = normalised(t.baseline_given_followup[f]);
      for (std::size_t b = 0; b < expected.size(); ++b)
        d.table3 = std::max(d.table3, std::abs(s.baseline_given_followup[p][f][b] - expected[b]));
    }
  }
  return d;
}

std::string format_report(const CohortStatistics& s, const SynthConfig& paper) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1);
  auto pct = [&](double v) {
    std::ostringstream x;
    x << std::fixed << std::setprecision(1) << 100.0 * v << "%";
    return x.str();
  };
  const int total = s.subjects_by_age_group[0] + s.subjects_by_age_group[1] + s.subjects_by_age_group[2];
  o << "Table 1 (demographics): generated (paper)\n";
  o << "  subjects by age group <40 / 40-50 / >50: " << s.subjects_by_age_group[0] << " / " << s.subjects_by_age_group[1]
    << " / " << s.subjects_by_age_group[2] << " of " << total << "  (paper 412 / 512 / 419 of 1343)\n";
  o << "  male / female: " << s.male << " / " << s.female << "  (paper 524 / 819)\n";
  o << "  BMI <18.5 / 18.5-25 / >25: " << s.subjects_by_bmi_group[0] << " / " << s.subjects_by_bmi_group[1] << " / "
    << s.subjects_by_bmi_group[2] << "  (paper 100 / 920 / 323)\n";
  for (std::size_t p = 0; p < kPathologies; ++p) {
    o << "  progression by age group, " << std::setw(12) << std::left << scale_of(kAllPathologies[p]).name << std::right
      << ":";
    for (std::size_t g = 0; g < 3; ++g)
      o << " " << pct(s.progression_by_age_group[p][g]) << " (" << pct(paper.tables[p].progression_by_age_group[g]) << ")";
    o << "\n";
  }
  o << "\nTable 2 (label distribution): generated (paper)\n";
  for (std::size_t p = 0; p < kPathologies; ++p) {
    const GradeScale scale = scale_of(kAllPathologies[p]);
    const auto base = baseline_shares(paper.tables[p]);
    const auto follow = normalised(paper.tables[p].followup_share);
    o << "  " << scale.name << "\n    baseline grade ";
    for (int g = 0; g < scale.count(); ++g)
      o << " " << scale.lowest + g << ": " << pct(s.baseline_share[p][static_cast<std::size_t>(g)]) << " ("
        << pct(base[static_cast<std::size_t>(g)]) << ")";
    o << "\n    follow-up grade";
    for (int g = 0; g < scale.count(); ++g)
      o << " " << scale.lowest + g << ": " << pct(s.followup_share[p][static_cast<std::size_t>(g)]) << " ("
        << pct(follow[static_cast<std::size_t>(g)]) << ")";
    double expected = 0;
    const auto f_given_b = followup_given_baseline(paper.tables[p]);
    for (std::size_t b = 0; b < f_given_b.size(); ++b)
      for (std::size_t f = b + 1; f < f_given_b.size(); ++f) expected += f_given_b[b][f];
    o << "\n    progression " << pct(s.progression_share[p]) << " (" << pct(expected) << ")\n";
  }
  o << "\nTable 3 (baseline grade given follow-up grade): generated (paper), discs in the row\n";
  for (std::size_t p = 0; p < kPathologies; ++p) {
    const GradeScale scale = scale_of(kAllPathologies[p]);
    o << "  " << scale.name << "\n";
    for (int f = 0; f < scale.count(); ++f) {
      const auto expected = normalised(paper.tables[p].baseline_given_followup[static_cast<std::size_t>(f)]);
      o << "    follow-up " << scale.lowest + f << " [" << s.followup_count[p][static_cast<std::size_t>(f)] << "]:";
      for (int b = 0; b < scale.count(); ++b)
        o << " " << pct(s.baseline_given_followup[p][static_cast<std::size_t>(f)][static_cast<std::size_t>(b)]) << " ("
          << pct(expected[static_cast<std::size_t>(b)]) << ")";
      o << "\n";
    }
  }
  const Deviation d = compare(s, paper);
  o << std::setprecision(2) << "\nLargest deviations from the paper: Table 1 " << 100 * d.table1 << " pp, Table 2 "
    << 100 * d.table2 << " pp, Table 3 " << 100 * d.table3 << " pp (rows with >= 50 discs)\n";
  return o.str();
}

}  // namespace ldd::synth
