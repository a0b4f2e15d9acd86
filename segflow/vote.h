// SegFlow's voting: every slice's proposals (all parameter settings), plus its neighbours' proposals
// warped onto it by optical flow, vote per pixel. Confident agreement becomes a label for the
// refinement network; disagreement becomes "ignore".
#pragma once
#include <cstdint>
#include <vector>

#include "data/cohort/cohort_file.h"

namespace ldd::segflow {

inline constexpr std::uint8_t kIgnore = 255;

struct VoteOptions {
  double neighbour_weight = 0.15;    // a warped neighbour proposal counts this much of an own one (see docs/decisions.md)
  double foreground_at = 0.6;        // vote fraction from which a pixel is labelled vertebra
  double background_below = 0.25;    // vote fraction under which it is labelled background
  bool use_flow = true;              // false: neighbours are not consulted (for comparison)
};

struct Votes {
  std::vector<float> fraction;       // (slices, rows, cols) share of weighted votes for "vertebra"
  std::vector<std::uint8_t> labels;  // 1 vertebra, 0 background, kIgnore in between
};

// volume: a canonical cohort volume (any intensity scale).
Votes vote(const Volume& volume, const VoteOptions& options = {});

}  // namespace ldd::segflow
