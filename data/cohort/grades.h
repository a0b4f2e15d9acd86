// The clinical vocabulary every stage shares: disc levels, the three grading scales, and a subject's
// grades at both visits. Grades keep their clinical scale (Pfirrmann 1-5, Schneiderman 0-3, bulging 0-3)
// everywhere a user sees them; kMissingGrade marks a grade nobody recorded.
#pragma once
#include <array>
#include <string>

namespace ldd {

inline constexpr int kLevels = 5;
inline constexpr std::array<const char*, kLevels> kLevelNames{"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
// Vertebrae bounding those discs, cranial to caudal; mask label i + 1 is kVertebraNames[i].
inline constexpr std::array<const char*, 6> kVertebraNames{"L1", "L2", "L3", "L4", "L5", "S1"};

enum class Pathology { Schneiderman = 0, Bulging = 1, Pfirrmann = 2 };
inline constexpr int kPathologies = 3;
inline constexpr std::array<Pathology, kPathologies> kAllPathologies{Pathology::Schneiderman, Pathology::Bulging,
                                                                    Pathology::Pfirrmann};

struct GradeScale {
  const char* name;
  int lowest, highest;
  int count() const { return highest - lowest + 1; }
};

inline constexpr GradeScale scale_of(Pathology p) {
  switch (p) {
    case Pathology::Schneiderman: return {"schneiderman", 0, 3};
    case Pathology::Bulging: return {"bulging", 0, 3};
    case Pathology::Pfirrmann: return {"pfirrmann", 1, 5};
  }
  return {"?", 0, 0};
}

// Parses "schneiderman" / "bulging" / "pfirrmann"; throws listing the accepted names otherwise.
Pathology parse_pathology(const std::string& name);
// Index of "L1-L2".."L5-S1", also spelt L5/S1, L5_S1, L5 S1, L5S1 or in lower case; throws listing the
// accepted names otherwise.
int parse_level(const std::string& name);

inline constexpr int kMissingGrade = -1;

enum class Visit { Baseline = 0, FollowUp = 1 };
inline constexpr std::array<const char*, 2> kVisitNames{"baseline", "followup"};

// grades[pathology][level], on each pathology's clinical scale, or kMissingGrade.
using DiscGrades = std::array<std::array<int, kLevels>, kPathologies>;

}  // namespace ldd
