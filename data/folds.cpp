#include "data/folds.h"

#include <algorithm>
#include <array>

#include "base/check.h"
#include "base/random.h"

namespace ldd {

std::vector<int> subject_folds(const std::vector<SubjectRecord>& subjects, int k, Pathology pathology, std::uint64_t seed) {
  LDD_CHECK(k >= 2, "cross-validation needs at least 2 folds, got " << k);
  LDD_CHECK(static_cast<int>(subjects.size()) >= k, "cross-validation: " << subjects.size() << " subjects cannot fill " << k << " folds");
  std::array<std::vector<std::size_t>, 3> strata;
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    int progressing = 0;
    for (int level = 0; level < kLevels; ++level) {
      const int b = subjects[s].grade(Visit::Baseline, pathology, level), f = subjects[s].grade(Visit::FollowUp, pathology, level);
      progressing += b != kMissingGrade && f != kMissingGrade && f > b;
    }
    strata[static_cast<std::size_t>(std::min(progressing, 2))].push_back(s);
  }
  Generator gen(seed);
  std::vector<int> fold(subjects.size(), 0);
  int next = 0;  // continue dealing across strata so the folds' sizes stay balanced overall
  for (auto& stratum : strata) {
    shuffle(stratum, gen);
    for (std::size_t s : stratum) {
      fold[s] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

}  // namespace ldd
