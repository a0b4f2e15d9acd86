// Cross-validation folds split by subject (both visits and every disc of a person stay in one fold),
// stratified by progression so each fold sees about the same share of progressing subjects.
#pragma once
#include <cstdint>
#include <vector>

#include "data/cohort/record.h"

namespace ldd {

// Fold index (0 .. k-1) of each subject. Subjects are grouped by how many of their graded discs
// progress on `pathology` (0, 1, 2 or more), shuffled within each group with `seed`, and dealt to the
// folds in turn, so fold sizes differ by at most one per group.
std::vector<int> subject_folds(const std::vector<SubjectRecord>& subjects, int k, Pathology pathology, std::uint64_t seed);

}  // namespace ldd
