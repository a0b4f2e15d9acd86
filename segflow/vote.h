// SegFlow's voting: every slice's proposals (all parameter settings), plus its neighbours' proposals
// warped onto it by optical flow, vote per pixel. Confident agreement becomes a label for the
// refinement network; disagreement becomes "ignore". When the proposals along the canal found first
// show fewer than kTeachingBodies bodies, a second canal (proposals.h find_canal with `avoid`) is tried
// and the votes that show more bodies are kept.
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
  // The marrow texture (proposals.h marrow_gradient) the grid's edge barriers were set for; a rougher
  // volume has its barriers widened in proportion.
  double reference_marrow_gradient = 0.045;
};

struct Votes {
  std::vector<float> fraction;       // (slices, rows, cols) share of weighted votes for "vertebra"
  std::vector<std::uint8_t> labels;  // 1 vertebra, 0 background, kIgnore in between
  std::vector<double> canal;         // the canal the proposals followed: its column on each row
  double marrow_gradient = 0;        // the volume's marrow texture, which set...
  double barrier_scale = 1;          // ...the factor on the grid's edge barriers (at least 1)
};

// volume: a canonical cohort volume (any intensity scale).
Votes vote(const Volume& volume, const VoteOptions& options = {});

// How many bodies the votes show: the connected regions (4-neighbours) of at least 100 mm^2 voted
// vertebra on the slice that has the most of them. The refinement learns from volumes with at least
// kTeachingBodies: on a slice where the proposals failed, or found one body, every other body is voted
// background and the network learned to miss it.
inline constexpr int kTeachingBodies = 3;
int voted_bodies(const Votes& votes, const Volume& volume);

// The connected regions (4-neighbours) voted vertebra on one slice of `rows` x `cols` labels, and the
// least area in pixels of one that counts as a body in voted_bodies (100 mm^2).
struct VotedRegion {
  std::int64_t pixels = 0, top = 0, bottom = 0;  // size and the first and last row it reaches
};
std::vector<VotedRegion> voted_regions(const std::uint8_t* labels, std::int64_t rows, std::int64_t cols);
std::int64_t min_body_pixels(const Volume& volume);

// Of candidate volumes (in cohort order, with their voted_bodies), the ones the refinement learns from,
// in the order it sees them: the first `count` that show kTeachingBodies, made up to `count` by the
// best-voted of the others when too few do.
std::vector<std::size_t> teaching_volumes(const std::vector<int>& bodies, int count);

}  // namespace ldd::segflow
