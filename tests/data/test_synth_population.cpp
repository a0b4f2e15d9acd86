// The synthetic cohort's grades against the paper's tables, and the properties the latent model
// promises: cross-scale correlation, lower levels more degenerate, a propensity that drives progression
// and is only partly visible, and the same cohort from the same seed.
#include <doctest/doctest.h>

#include <cmath>

#include "data/synth/config.h"
#include "data/synth/population.h"
#include "data/synth/report.h"

using namespace ldd;
using namespace ldd::synth;

namespace {

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= static_cast<double>(a.size());
  mb /= static_cast<double>(b.size());
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace

TEST_CASE("at the paper's size the grades match Tables 1-3 within 5 / 2 / 5 percentage points" * doctest::test_suite("smoke")) {
  SynthConfig config;  // 1343 subjects
  for (std::uint64_t seed : {1u, 7u}) {
    config.seed = seed;
    const Population pop = draw_population(config);
    const Deviation d = compare(compute_statistics(records_of(pop), config.demographics), config);
    INFO("seed " << seed << ": Table 1 " << d.table1 << ", Table 2 " << d.table2 << ", Table 3 " << d.table3);
    CHECK(d.table1 <= 0.05);
    CHECK(d.table2 <= 0.02);
    CHECK(d.table3 <= 0.05);
  }
}

TEST_CASE("a smaller cohort keeps the tables within tolerances set by its size") {
  // 600 subjects = 3000 discs, about 1000 per age group. Tables 2 and 3 hold by construction up to
  // rounding (one disc per grade cell: <= 0.1 pp of Table 2, <= 2 pp of a Table 3 row of >= 50 discs).
  // Table 1 is a fitted trend plus sampling noise: a share near 0.5 over ~1000 discs, five per subject
  // sharing the subject's age, has a standard error of about 2.2 pp; 3 of them is 6.5 pp.
  SynthConfig config;
  config.subjects = 600;
  config.seed = 3;
  const Deviation d = compare(compute_statistics(records_of(draw_population(config)), config.demographics), config);
  CHECK(d.table1 <= 0.065);
  CHECK(d.table2 <= 0.005);
  CHECK(d.table3 <= 0.025);
}

TEST_CASE("latent structure: scales agree / lower levels are worse / the propensity drives progression") {
  SynthConfig config;
  config.subjects = 800;
  const Population pop = draw_population(config);
  std::vector<double> pfirrmann, schneiderman, propensity, cue, progressed;
  std::array<double, kLevels> mean_pfirrmann{};
  for (const auto& s : pop.subjects)
    for (int l = 0; l < kLevels; ++l) {
      pfirrmann.push_back(s.record.grade(Visit::Baseline, Pathology::Pfirrmann, l));
      schneiderman.push_back(s.record.grade(Visit::Baseline, Pathology::Schneiderman, l));
      mean_pfirrmann[static_cast<std::size_t>(l)] += pfirrmann.back() / static_cast<double>(pop.subjects.size());
      propensity.push_back(s.propensity[static_cast<std::size_t>(l)]);
      cue.push_back(s.risk_signs[static_cast<std::size_t>(l)][static_cast<std::size_t>(RiskSign::NucleusSignalLoss)]);
      progressed.push_back(s.record.grade(Visit::FollowUp, Pathology::Pfirrmann, l) > pfirrmann.back());
    }
  CHECK(correlation(pfirrmann, schneiderman) > 0.3);
  CHECK(mean_pfirrmann[4] > mean_pfirrmann[0] + 0.3);
  CHECK(correlation(propensity, progressed) > 0.2);
  const double visible = correlation(propensity, cue);  // a graded sign, linear within +-2.5 sd
  CHECK(visible == doctest::Approx(config.latent.propensity_visibility).epsilon(0.1));
}

TEST_CASE("the same seed draws the same cohort and another seed a different one") {
  SynthConfig config;
  config.subjects = 50;
  const auto a = draw_population(config), b = draw_population(config);
  config.seed = 2;
  const auto c = draw_population(config);
  bool same = true, differs = false;
  for (std::size_t i = 0; i < a.subjects.size(); ++i) {
    same = same && a.subjects[i].record.grades == b.subjects[i].record.grades && a.subjects[i].record.age == b.subjects[i].record.age;
    differs = differs || a.subjects[i].record.grades != c.subjects[i].record.grades;
  }
  CHECK(same);
  CHECK(differs);
}
