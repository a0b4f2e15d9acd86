// Imbalance strategies: resampling counts, loss weights, SMOTE and Borderline-SMOTE against
// imbalanced-learn's class counts on a committed fixture (tests/fixtures/make_smote_fixture.py), with
// every synthetic sample checked, by brute force, to lie between a sample of its class and one of that
// sample's k nearest same-class neighbours; and subject-level stratified folds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "data/folds.h"
#include "data/imbalance.h"
#include "data/synth/population.h"

using namespace ldd;

namespace {

struct Fixture {
  std::vector<std::vector<float>> x;
  std::vector<int> y;
  std::map<std::string, std::vector<int>> counts;
};

Fixture load() {
  Fixture f;
  std::ifstream in(LDD_SOURCE_DIR "/tests/fixtures/smote_small.csv");
  REQUIRE(in.good());
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      const auto eq = line.find('=');
      std::istringstream values(line.substr(eq + 1));
      int v;
      while (values >> v) f.counts[line.substr(2, eq - 2)].push_back(v);
      continue;
    }
    if (header) {
      header = false;
      continue;
    }
    std::istringstream row(line);
    float a, b;
    int label;
    char comma;
    row >> a >> comma >> b >> comma >> label;
    f.x.push_back({a, b});
    f.y.push_back(label);
  }
  return f;
}

// True when p lies on the segment from a to b (within float rounding).
bool on_segment(const std::vector<float>& p, const std::vector<float>& a, const std::vector<float>& b) {
  const double dx = b[0] - a[0], dy = b[1] - a[1], px = p[0] - a[0], py = p[1] - a[1];
  const double len2 = dx * dx + dy * dy;
  if (len2 == 0) return std::hypot(px, py) < 1e-5;
  const double t = (px * dx + py * dy) / len2;
  return t >= -1e-5 && t <= 1 + 1e-5 && std::abs(px * dy - py * dx) / std::sqrt(len2) < 1e-4;
}

// Brute force: is p between some sample of class c and one of its k nearest class-c neighbours?
bool explained(const Fixture& f, const std::vector<float>& p, int c, int k) {
  for (std::size_t i = 0; i < f.x.size(); ++i) {
    if (f.y[i] != c) continue;
    std::vector<std::pair<double, std::size_t>> d;
    for (std::size_t j = 0; j < f.x.size(); ++j)
      if (j != i && f.y[j] == c) d.emplace_back(std::hypot(f.x[i][0] - f.x[j][0], f.x[i][1] - f.x[j][1]), j);
    std::sort(d.begin(), d.end());
    for (std::size_t n = 0; n < std::min<std::size_t>(static_cast<std::size_t>(k), d.size()); ++n)
      if (on_segment(p, f.x[i], f.x[d[n].second])) return true;
  }
  return false;
}

std::vector<int> counts_after(const std::vector<int>& y, const imbalance::Synthetic& s) {
  std::vector<int> counts(3, 0);
  for (int label : y) ++counts[static_cast<std::size_t>(label)];
  for (int label : s.labels) ++counts[static_cast<std::size_t>(label)];
  return counts;
}

}  // namespace

TEST_CASE("SMOTE and Borderline-SMOTE give imbalanced-learn's counts with samples between k-nearest neighbours") {
  const Fixture f = load();
  Generator gen(3);
  const auto s = imbalance::smote(f.x, f.y, 3, 5, gen);
  CHECK(counts_after(f.y, s) == f.counts.at("smote"));
  for (std::size_t n = 0; n < s.features.size(); ++n) CHECK(explained(f, s.features[n], s.labels[n], 5));
  const auto b = imbalance::borderline_smote(f.x, f.y, 3, 5, 10, gen);
  CHECK(counts_after(f.y, b) == f.counts.at("borderline"));
  for (std::size_t n = 0; n < b.features.size(); ++n) CHECK(explained(f, b.features[n], b.labels[n], 5));
  // Borderline seeds come only from samples near other classes: fewer distinct seeds than SMOTE's.
  std::set<std::size_t> smote_seeds, border_seeds;
  for (auto [i, j] : s.parents) smote_seeds.insert(i);
  for (auto [i, j] : b.parents) border_seeds.insert(i);
  CHECK(border_seeds.size() < smote_seeds.size());
}

TEST_CASE("SMOTE's sampling_strategy raises the minority to that share of the majority as imbalanced-learn does") {
  const Fixture f = load();
  std::vector<std::vector<float>> x;
  std::vector<int> y;
  for (std::size_t i = 0; i < f.y.size(); ++i)
    if (f.y[i] < 2) x.push_back(f.x[i]), y.push_back(f.y[i]);
  Generator gen(5);
  const auto s = imbalance::smote(x, y, 2, 5, gen, 0.6);
  std::vector<int> counts(2, 0);
  for (int label : y) ++counts[static_cast<std::size_t>(label)];
  for (int label : s.labels) ++counts[static_cast<std::size_t>(label)];
  CHECK(counts == f.counts.at("smote_0.6_classes_0_1"));
  for (std::size_t n = 0; n < s.features.size(); ++n) CHECK(explained(f, s.features[n], s.labels[n], 5));
  // A class of one sample has nothing to interpolate towards and is left alone.
  const auto lone = imbalance::smote({{0, 0}, {1, 1}, {2, 2}, {5, 5}}, {0, 0, 0, 1}, 2, 5, gen);
  CHECK(lone.features.empty());
}

TEST_CASE("random over- and undersampling and class weights") {
  const std::vector<int> y{0, 0, 0, 0, 0, 0, 1, 1, 2};
  Generator gen(4);
  auto count = [&](const std::vector<std::size_t>& idx) {
    std::vector<int> c(3, 0);
    for (auto i : idx) ++c[static_cast<std::size_t>(y[i])];
    return c;
  };
  CHECK(count(imbalance::random_oversample(y, 3, gen)) == std::vector<int>{6, 6, 6});
  CHECK(count(imbalance::random_undersample(y, 3, gen)) == std::vector<int>{1, 1, 1});
  const auto w = imbalance::inverse_frequency_weights(y, 4);  // class 3 absent
  CHECK(w[0] == doctest::Approx(9.0 / (4 * 6)));
  CHECK(w[2] == doctest::Approx(9.0 / 4));
  CHECK(w[3] == 0.0f);
  const auto e = imbalance::effective_number_weights(y, 3, 0.9);
  CHECK(e[0] + e[1] + e[2] == doctest::Approx(3.0));
  CHECK(e[2] > e[1]);
  CHECK(e[1] > e[0]);
}

TEST_CASE("folds keep each subject whole and spread progressing subjects evenly") {
  synth::SynthConfig config;
  config.subjects = 200;
  const std::vector<SubjectRecord> subjects = synth::records_of(synth::draw_population(config));
  const auto fold = subject_folds(subjects, 5, Pathology::Pfirrmann, 11);
  REQUIRE(fold.size() == subjects.size());
  std::vector<int> size(5, 0), progressing(5, 0);
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    ++size[static_cast<std::size_t>(fold[s])];
    bool any = false;
    for (int l = 0; l < kLevels; ++l)
      any = any || subjects[s].grade(Visit::FollowUp, Pathology::Pfirrmann, l) > subjects[s].grade(Visit::Baseline, Pathology::Pfirrmann, l);
    progressing[static_cast<std::size_t>(fold[s])] += any;
  }
  CHECK(*std::max_element(size.begin(), size.end()) - *std::min_element(size.begin(), size.end()) <= 1);
  CHECK(*std::max_element(progressing.begin(), progressing.end()) - *std::min_element(progressing.begin(), progressing.end()) <= 2);
  CHECK(subject_folds(subjects, 5, Pathology::Pfirrmann, 11) == fold);  // same seed, same folds
  CHECK(subject_folds(subjects, 5, Pathology::Pfirrmann, 12) != fold);
}
