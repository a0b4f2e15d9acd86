#include "data/cohort/grades.h"

#include <cctype>
#include <string>

#include "base/check.h"

namespace ldd {

Pathology parse_pathology(const std::string& name) {
  for (Pathology p : kAllPathologies)
    if (name == scale_of(p).name) return p;
  LDD_FAIL("unknown pathology '" << name << "'; accepted: schneiderman, bulging, pfirrmann");
}

int parse_level(const std::string& name) {
  // The spellings found in the wild: L5-S1, L5/S1, L5_S1, L5 S1, L5S1, l5-s1.
  std::string key;
  for (char c : name)
    if (c != '-' && c != '/' && c != '_' && c != ' ') key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (int i = 0; i < kLevels; ++i) {
    std::string level;
    for (char c : std::string(kLevelNames[static_cast<std::size_t>(i)])) if (c != '-') level += c;
    if (key == level) return i;
  }
  LDD_FAIL("unknown disc level '" << name << "'; accepted: L1-L2, L2-L3, L3-L4, L4-L5, L5-S1");
}

}  // namespace ldd
