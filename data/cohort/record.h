// What a cohort knows about one subject apart from the images: demographics and per-disc grades at
// both visits. Shared by the synthetic generator, ingest, the statistics report and training.
#pragma once
#include <array>
#include <string>

#include "data/cohort/grades.h"

namespace ldd {

struct SubjectRecord {
  std::string id;
  double age = 0.0;  // years at baseline
  char sex = 'F';    // 'F', 'M', or 'U' (unknown)
  double bmi = 0.0;  // kg/m^2, 0 when unknown
  int institution = 0;
  std::array<DiscGrades, 2> grades{};  // [visit][pathology][level]

  int grade(Visit v, Pathology p, int level) const {
    return grades[static_cast<std::size_t>(v)][static_cast<std::size_t>(p)][static_cast<std::size_t>(level)];
  }
};

}  // namespace ldd
