#include "data/synth/population.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "base/random.h"

namespace ldd::synth {
namespace {

// Grade index (0-based on the scale) at cumulative position u in [0, 1) of `shares`.
int quantile(const std::vector<double>& shares, double u) {
  const double total = std::accumulate(shares.begin(), shares.end(), 0.0);
  double cumulative = 0.0;
  for (std::size_t g = 0; g < shares.size(); ++g) {
    cumulative += shares[g] / total;
    if (u < cumulative) return static_cast<int>(g);
  }
  return static_cast<int>(shares.size()) - 1;
}

// Positions (rank + 0.5) / n of `values` restricted to `members`, written into `u`.
void rank_positions(const std::vector<double>& values, const std::vector<std::size_t>& members, std::vector<double>& u) {
  std::vector<std::size_t> order = members;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return values[a] < values[b] || (values[a] == values[b] && a < b);
  });
  for (std::size_t r = 0; r < order.size(); ++r)
    u[order[r]] = (static_cast<double>(r) + 0.5) / static_cast<double>(order.size());
}

struct DiscLatents {
  std::size_t subject;
  int level;
  double age_z, severity, propensity;
  std::array<double, kPathologies> severity_noise, progression_noise;
  std::array<double, kRiskSigns> sign_noise;
};

// Follow-up grade indices of every disc for one scale, given baselines and the age weight.
std::vector<int> followups(const std::vector<DiscLatents>& discs, const std::vector<int>& baseline, int p,
                           const std::vector<std::vector<double>>& f_given_b, double age_weight, double propensity_weight) {
  // Only ranks matter, so the latent need not have unit variance: the age weight may exceed what the
  // propensity leaves (older discs of one scale can progress much more often than younger ones).
  const double rest = std::sqrt(std::max(0.0, 1.0 - propensity_weight * propensity_weight));
  std::vector<double> z(discs.size()), u(discs.size());
  for (std::size_t d = 0; d < discs.size(); ++d)
    z[d] = age_weight * discs[d].age_z + propensity_weight * discs[d].propensity +
           rest * discs[d].progression_noise[static_cast<std::size_t>(p)];
  std::vector<int> f(discs.size());
  for (std::size_t b = 0; b < f_given_b.size(); ++b) {
    std::vector<std::size_t> members;
    for (std::size_t d = 0; d < discs.size(); ++d)
      if (baseline[d] == static_cast<int>(b)) members.push_back(d);
    if (members.empty()) continue;
    rank_positions(z, members, u);
    for (std::size_t d : members) f[d] = quantile(f_given_b[b], u[d]);
  }
  return f;
}

}  // namespace

std::vector<double> baseline_shares(const GradeTable& t) {
  std::vector<double> b(t.followup_share.size(), 0.0);
  for (std::size_t f = 0; f < t.followup_share.size(); ++f) {
    const auto& row = t.baseline_given_followup[f];
    const double row_sum = std::accumulate(row.begin(), row.end(), 0.0);
    for (std::size_t g = 0; g < b.size(); ++g) b[g] += t.followup_share[f] * row[g] / row_sum;
  }
  return b;
}

std::vector<std::vector<double>> followup_given_baseline(const GradeTable& t) {
  const std::size_t n = t.followup_share.size();
  std::vector<std::vector<double>> out(n, std::vector<double>(n, 0.0));
  for (std::size_t f = 0; f < n; ++f) {
    const auto& row = t.baseline_given_followup[f];
    const double row_sum = std::accumulate(row.begin(), row.end(), 0.0);
    for (std::size_t b = 0; b < n; ++b) out[b][f] = t.followup_share[f] * row[b] / row_sum;
  }
  return out;
}

std::vector<SubjectRecord> records_of(const Population& population) {
  std::vector<SubjectRecord> out;
  for (const auto& s : population.subjects) out.push_back(s.record);
  return out;
}

int age_group(double age, const Demographics& d) {
  return age < d.age_group_edges[0] ? 0 : age < d.age_group_edges[1] ? 1 : 2;
}

namespace {

// Every subject's demographics, and the latent variables of each of their discs.
std::vector<DiscLatents> draw_subjects(const SynthConfig& c, Generator& gen, Population& pop) {
  const auto& demo = c.demographics;
  pop.subjects.resize(static_cast<std::size_t>(c.subjects));
  std::vector<DiscLatents> discs;
  for (std::size_t s = 0; s < pop.subjects.size(); ++s) {
    auto& subject = pop.subjects[s].record;
    char id[32];
    std::snprintf(id, sizeof id, "SYN%05zu", s + 1);
    subject.id = id;
    subject.age = std::clamp(demo.age_mean + demo.age_sd * gen.normal(), demo.age_min, demo.age_max);
    subject.sex = gen.uniform() < demo.female_share ? 'F' : 'M';
    static constexpr double kBmiEdges[4] = {15.0, 18.5, 25.0, 35.0};
    const int bmi_group = quantile({demo.bmi_group_share.begin(), demo.bmi_group_share.end()}, gen.uniform());
    subject.bmi = kBmiEdges[bmi_group] + (kBmiEdges[bmi_group + 1] - kBmiEdges[bmi_group]) * gen.uniform();
    subject.institution = static_cast<int>(gen.next_u64() % demo.institution_intensity.size());
    const double age_z = (subject.age - demo.age_mean) / demo.age_sd;
    for (int l = 0; l < kLevels; ++l) {
      DiscLatents d{s, l, age_z, gen.normal(), gen.normal(), {}, {}, {}};
      for (auto& e : d.severity_noise) e = gen.normal();
      for (auto& e : d.progression_noise) e = gen.normal();
      for (auto& e : d.sign_noise) e = gen.normal();
      discs.push_back(d);
    }
  }
  return discs;
}

// The age weight whose follow-ups match Table 1's progression by age group best (least squares over the
// three groups, on a grid of 41 weights from 0 to 2).
double fitted_age_weight(const std::vector<DiscLatents>& discs, const std::vector<int>& baseline, int p,
                         const std::vector<std::vector<double>>& f_given_b, const GradeTable& table, double propensity_weight,
                         const Population& pop, const Demographics& demo) {
  constexpr double kMaxAgeWeight = 2.0;
  double best_weight = 0.0, best_error = 1e30;
  for (int step = 0; step <= 40; ++step) {
    const double w = kMaxAgeWeight * step / 40.0;
    const auto f = followups(discs, baseline, p, f_given_b, w, propensity_weight);
    std::array<double, 3> progressed{}, total{};
    for (std::size_t d = 0; d < discs.size(); ++d) {
      const int g = age_group(pop.subjects[discs[d].subject].record.age, demo);
      total[static_cast<std::size_t>(g)] += 1;
      progressed[static_cast<std::size_t>(g)] += f[d] > baseline[d];
    }
    double error = 0.0;
    for (std::size_t g = 0; g < 3; ++g)
      if (total[g] > 0) error += std::pow(progressed[g] / total[g] - table.progression_by_age_group[g], 2);
    if (error < best_error - 1e-12) {
      best_error = error;
      best_weight = w;
    }
  }
  return best_weight;
}

// Each disc's propensity and the risk signs its image shows.
void draw_risk_signs(const SynthConfig& c, const std::vector<DiscLatents>& discs, Population& pop) {
  const auto& lat = c.latent;
  // Each risk sign shows the propensity at the same visibility, with noise of its own; a sign with no
  // amplitude is not drawn, so the image (and the oracle) know nothing of it.
  const double v = lat.propensity_visibility;
  const auto amplitudes = c.risk_signs.as_array();
  for (const auto& d : discs) {
    auto& subject = pop.subjects[d.subject];
    const auto level = static_cast<std::size_t>(d.level);
    subject.propensity[level] = static_cast<float>(d.propensity);
    for (int k = 0; k < kRiskSigns; ++k) {
      const auto i = static_cast<std::size_t>(k);
      const double latent = v * d.propensity + std::sqrt(1.0 - v * v) * d.sign_noise[i];
      subject.risk_signs[level][i] = amplitudes[i] > 0 ? static_cast<float>(sign_amount(static_cast<RiskSign>(k), latent)) : 0.0f;
    }
  }
}

}  // namespace

Population draw_population(const SynthConfig& c) {
  c.validate();
  Generator gen(c.seed);
  const auto& demo = c.demographics;
  Population pop;
  std::vector<DiscLatents> discs = draw_subjects(c, gen, pop);

  const auto& lat = c.latent;
  const double severity_rest = std::sqrt(std::max(0.0, 1.0 - lat.level_weight * lat.level_weight -
                                                             lat.age_severity_weight * lat.age_severity_weight -
                                                             lat.shared_severity_weight * lat.shared_severity_weight));
  std::vector<std::size_t> everyone(discs.size());
  std::iota(everyone.begin(), everyone.end(), std::size_t{0});
  for (int p = 0; p < kPathologies; ++p) {
    const GradeTable& table = c.tables[static_cast<std::size_t>(p)];
    const int lowest = scale_of(kAllPathologies[static_cast<std::size_t>(p)]).lowest;
    // Baseline: rank the severity latent over the whole cohort, cut at the baseline shares.
    std::vector<double> z(discs.size()), u(discs.size());
    for (std::size_t d = 0; d < discs.size(); ++d) {
      const double level_z = (discs[d].level - 2) / std::sqrt(2.0);
      z[d] = lat.level_weight * level_z + lat.age_severity_weight * discs[d].age_z +
             lat.shared_severity_weight * discs[d].severity + severity_rest * discs[d].severity_noise[static_cast<std::size_t>(p)];
    }
    rank_positions(z, everyone, u);
    const auto shares = baseline_shares(table);
    std::vector<int> baseline(discs.size());
    for (std::size_t d = 0; d < discs.size(); ++d) baseline[d] = quantile(shares, u[d]);

    // Follow-up: fit the age weight to Table 1 (least squares over the three groups), then assign.
    const auto f_given_b = followup_given_baseline(table);
    const double best_weight = fitted_age_weight(discs, baseline, p, f_given_b, table, lat.propensity_weight[static_cast<std::size_t>(p)], pop, demo);
    pop.fitted_age_weight[static_cast<std::size_t>(p)] = best_weight;
    const auto f = followups(discs, baseline, p, f_given_b, best_weight, lat.propensity_weight[static_cast<std::size_t>(p)]);
    for (std::size_t d = 0; d < discs.size(); ++d) {
      auto& subject = pop.subjects[discs[d].subject].record;
      subject.grades[0][static_cast<std::size_t>(p)][static_cast<std::size_t>(discs[d].level)] = baseline[d] + lowest;
      subject.grades[1][static_cast<std::size_t>(p)][static_cast<std::size_t>(discs[d].level)] = f[d] + lowest;
    }
  }
  draw_risk_signs(c, discs, pop);
  return pop;
}

}  // namespace ldd::synth
