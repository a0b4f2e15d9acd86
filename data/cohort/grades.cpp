#include "data/cohort/grades.h"

#include "kernels/check.h"

namespace ldd {

Pathology parse_pathology(const std::string& name) {
  for (Pathology p : kAllPathologies)
    if (name == scale_of(p).name) return p;
  LDD_FAIL("unknown pathology '" << name << "'; accepted: schneiderman, bulging, pfirrmann");
}

int parse_level(const std::string& name) {
  for (int i = 0; i < kLevels; ++i)
    if (name == kLevelNames[static_cast<std::size_t>(i)]) return i;
  LDD_FAIL("unknown disc level '" << name << "'; accepted: L1-L2, L2-L3, L3-L4, L4-L5, L5-S1");
}

}  // namespace ldd
