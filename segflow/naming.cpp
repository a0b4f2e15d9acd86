#include "segflow/naming.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <numbers>
#include <optional>

#include "segflow/morphology.h"

namespace ldd::segflow {
namespace {

// Voxel indices of a (slices, rows, cols) volume.
struct Grid {
  std::array<std::int64_t, 3> shape;
  std::int64_t plane() const { return shape[1] * shape[2]; }
  std::int64_t slice(std::int64_t i) const { return i / plane(); }
  std::int64_t row(std::int64_t i) const { return (i % plane()) / shape[2]; }
  std::int64_t col(std::int64_t i) const { return i % shape[2]; }
  // The 6-connected neighbours of i, -1 past an edge.
  void neighbours(std::int64_t i, std::int64_t out[6]) const {
    const std::int64_t s = slice(i), r = row(i), c = col(i);
    out[0] = s > 0 ? i - plane() : -1;
    out[1] = s + 1 < shape[0] ? i + plane() : -1;
    out[2] = r > 0 ? i - shape[2] : -1;
    out[3] = r + 1 < shape[1] ? i + shape[2] : -1;
    out[4] = c > 0 ? i - 1 : -1;
    out[5] = c + 1 < shape[2] ? i + 1 : -1;
  }
};

struct Seed {
  std::vector<std::int64_t> voxels;
  int radius = 0;  // the in-plane erosion this seed survived
  double mean_row = 0, mean_col = 0;
  std::int64_t row_min = INT64_MAX, row_max = -1, col_min = INT64_MAX, col_max = -1;
  double tall() const { return static_cast<double>(row_max - row_min + 1); }
  double deep() const { return static_cast<double>(col_max - col_min + 1); }
};

Seed seed_of(std::vector<std::int64_t> voxels, int radius, const Grid& g) {
  Seed s;
  s.radius = radius;
  for (std::int64_t i : voxels) {
    const std::int64_t r = g.row(i), c = g.col(i);
    s.mean_row += static_cast<double>(r);
    s.mean_col += static_cast<double>(c);
    s.row_min = std::min(s.row_min, r);
    s.row_max = std::max(s.row_max, r);
    s.col_min = std::min(s.col_min, c);
    s.col_max = std::max(s.col_max, c);
  }
  s.mean_row /= static_cast<double>(voxels.size());
  s.mean_col /= static_cast<double>(voxels.size());
  s.voxels = std::move(voxels);
  return s;
}

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double distance(const Seed& a, const Seed& b) { return std::hypot(a.mean_row - b.mean_row, a.mean_col - b.mean_col); }

// Stage 1, seeds: the mask eroded in-plane by a square of half-width erosion_px, on the central third of
// the slices only: there the bodies are widest and the discs between them clearest, while lateral slices
// (thin sections of the bodies) are where a network's mask bridges one body to the next. A seed more than
// 2.5 times taller than deep, or taller than max_seed_rows, is bodies joined across a disc the erosion did
// not cut (on real series a degenerate disc or a partial-volume slice bridges them): it is eroded further,
// a pixel at a time up to three times the first radius, until it falls apart into bodies.
// Whether voxel i survives the in-plane erosion of the mask by a square of half-width `radius`.
bool survives(const std::vector<std::uint8_t>& mask, const Grid& g, std::int64_t i, int radius) {
  const std::int64_t s = g.slice(i), r = g.row(i), c = g.col(i);
  for (std::int64_t dr = -radius; dr <= radius; ++dr)
    for (std::int64_t dc = -radius; dc <= radius; ++dc) {
      const std::int64_t rr = r + dr, cc = c + dc;
      if (rr < 0 || rr >= g.shape[1] || cc < 0 || cc >= g.shape[2] || !mask[static_cast<std::size_t>(s * g.plane() + rr * g.shape[2] + cc)])
        return false;
    }
  return true;
}

// The 6-connected components of voxel sets of one grid. `stamp` marks a set's members (value id) and the
// voxels already taken (-id): no clearing per call.
class Components {
 public:
  explicit Components(const Grid& g) : g_(g), stamp_(static_cast<std::size_t>(g.shape[0] * g.plane()), 0) {}
  std::vector<std::vector<std::int64_t>> of(const std::vector<std::int64_t>& set) {
    const std::int64_t id = ++next_id_;
    for (std::int64_t i : set) stamp_[static_cast<std::size_t>(i)] = id;
    std::vector<std::vector<std::int64_t>> out;
    for (std::int64_t start : set) {
      if (stamp_[static_cast<std::size_t>(start)] != id) continue;
      std::vector<std::int64_t> voxels;
      std::deque<std::int64_t> queue{start};
      stamp_[static_cast<std::size_t>(start)] = -id;
      while (!queue.empty()) {
        const std::int64_t i = queue.front();
        queue.pop_front();
        voxels.push_back(i);
        std::int64_t next[6];
        g_.neighbours(i, next);
        for (std::int64_t n : next)
          if (n >= 0 && stamp_[static_cast<std::size_t>(n)] == id) {
            stamp_[static_cast<std::size_t>(n)] = -id;
            queue.push_back(n);
          }
      }
      out.push_back(std::move(voxels));
    }
    return out;
  }

 private:
  const Grid& g_;
  std::vector<std::int64_t> stamp_;
  std::int64_t next_id_ = 0;
};

std::vector<Seed> erode_to_seeds(const std::vector<std::uint8_t>& mask, const Grid& g, Components& components, int erosion_px,
                                 std::int64_t max_seed_rows) {
  std::vector<std::int64_t> candidates;
  const std::int64_t first_slice = g.shape[0] / 3, last_slice = std::max(first_slice + 1, g.shape[0] - g.shape[0] / 3);
  for (std::int64_t i = first_slice * g.plane(); i < std::min(last_slice, g.shape[0]) * g.plane(); ++i)
    if (mask[static_cast<std::size_t>(i)] && survives(mask, g, i, erosion_px)) candidates.push_back(i);
  std::vector<Seed> found;
  std::vector<std::pair<std::vector<std::int64_t>, int>> pending{{std::move(candidates), erosion_px}};
  while (!pending.empty()) {
    auto [set, radius] = std::move(pending.back());
    pending.pop_back();
    for (auto& voxels : components.of(set)) {
      Seed seed = seed_of(std::move(voxels), radius, g);
      if ((seed.tall() > 2.5 * seed.deep() || seed.tall() > static_cast<double>(max_seed_rows)) && radius < 3 * std::max(erosion_px, 1)) {
        std::vector<std::int64_t> inner;
        for (std::int64_t i : seed.voxels)
          if (survives(mask, g, i, radius + 1)) inner.push_back(i);
        pending.emplace_back(std::move(inner), radius + 1);
      } else {
        found.push_back(std::move(seed));
      }
    }
  }
  return found;
}

// A vertebral body is about as tall as it is deep; a long thin strip (e.g. along the canal) is not one.
// S1 is tilted by the sacral slope and often cut by the field's lower edge, so its eroded seed may be
// flat (up to 4.5 times deeper than tall) and small.
bool body_like(const Seed& s, std::int64_t min_voxels) {
  return static_cast<std::int64_t>(s.voxels.size()) >= min_voxels && s.tall() <= 2.5 * s.deep() && s.deep() <= 4.5 * s.tall();
}

// Stage 2: a seed 1.7 times taller than the column's median seed with a waist (a row in its middle 40 %
// under 0.75 of its median width) is two bodies the mask joins across a disc, which on a single slice
// the erosion often cannot cut: it is cut at the waist. Bodies of one column differ in height by about
// 20 %, so a real body is not that tall; the waist keeps a body with a tall appendage (S1 with the
// sacrum below it) whole.
void split_at_waists(std::vector<Seed>& seeds, std::int64_t min_voxels, const Grid& g, std::vector<std::string>& notes) {
  std::vector<double> heights;
  for (const auto& s : seeds)
    if (body_like(s, min_voxels)) heights.push_back(s.tall());
  if (heights.size() < 3) return;
  const double typical = median_of(heights);
  std::vector<Seed> out;
  for (auto& s : seeds) {
    if (!body_like(s, min_voxels) || s.tall() < 1.7 * typical) {
      out.push_back(std::move(s));
      continue;
    }
    std::vector<double> width(static_cast<std::size_t>(s.row_max - s.row_min + 1), 0.0);
    for (std::int64_t i : s.voxels) width[static_cast<std::size_t>(g.row(i) - s.row_min)] += 1;
    const auto from = static_cast<std::size_t>(0.3 * static_cast<double>(width.size())), to = width.size() - from;
    const auto waist = static_cast<std::size_t>(std::min_element(width.begin() + static_cast<long>(from), width.begin() + static_cast<long>(to)) - width.begin());
    std::vector<std::int64_t> upper, lower;
    for (std::int64_t i : s.voxels) {
      const auto r = static_cast<std::size_t>(g.row(i) - s.row_min);
      if (r < waist) upper.push_back(i);
      else if (r > waist) lower.push_back(i);
    }
    const auto quarter = s.voxels.size() / 4;
    if (width[waist] >= 0.75 * median_of(width) || upper.size() < quarter || lower.size() < quarter) {
      out.push_back(std::move(s));
      continue;
    }
    char note[96];
    std::snprintf(note, sizeof note, "a seed %.1f x the median height was cut at its waist (row %lld)", s.tall() / typical,
                  static_cast<long long>(s.row_min + static_cast<std::int64_t>(waist)));
    notes.emplace_back(note);
    out.push_back(seed_of(std::move(upper), s.radius, g));
    out.push_back(seed_of(std::move(lower), s.radius, g));
  }
  seeds = std::move(out);
}

// Stage 3: the seeds that are bodies of one column, top to bottom. Vertebrae are evenly spaced: a seed
// closer to its neighbour than 0.55 of the median spacing is a fragment (a scrap of the sacrum below S1,
// a piece of an endplate) or half of a body the erosion cut in two; the smaller of the pair goes, and the
// growth gives its voxels to the body that stays. Left in, it would shift every name above it by a level.
// A seed at either end more than 2.5 median spacings from the next is not part of the column (bowel, a
// kidney's pole, a corner of the field) and would be named S1 or L1 in the abdomen.
std::vector<const Seed*> keep_bodies(const std::vector<Seed>& seeds, std::int64_t min_voxels) {
  std::vector<const Seed*> kept;
  for (const auto& s : seeds)
    if (body_like(s, min_voxels)) kept.push_back(&s);
  std::sort(kept.begin(), kept.end(), [](const Seed* a, const Seed* b) { return a->mean_row < b->mean_row; });
  while (kept.size() >= 3) {
    std::vector<double> gaps;
    for (std::size_t k = 1; k < kept.size(); ++k) gaps.push_back(kept[k]->mean_row - kept[k - 1]->mean_row);
    const double median = median_of(gaps);
    const auto closest = static_cast<std::size_t>(std::min_element(gaps.begin(), gaps.end()) - gaps.begin());
    if (gaps[closest] >= 0.55 * median) break;
    kept.erase(kept.begin() + static_cast<long>(kept[closest]->voxels.size() < kept[closest + 1]->voxels.size() ? closest : closest + 1));
  }
  while (kept.size() >= 3) {
    std::vector<double> gaps;
    for (std::size_t k = 1; k < kept.size(); ++k) gaps.push_back(distance(*kept[k], *kept[k - 1]));
    const double median = median_of(gaps);
    if (gaps.back() > 2.5 * median) kept.pop_back();
    else if (gaps.front() > 2.5 * median) kept.erase(kept.begin());
    else break;
  }
  return kept;
}

// A seed eroded further, a pixel at a time from its own radius up to max_radius, as the seeds' stage
// erodes joined ones: `at` sees each radius's parts of at least min_voxels (as seeds) and returns true to
// stop; it stops too when nothing is left.
void erode_further(const Seed& seed, const std::vector<std::uint8_t>& mask, const Grid& g, Components& components, int max_radius,
                   std::int64_t min_voxels, const std::function<bool(int radius, std::vector<Seed>& parts)>& at) {
  std::vector<std::int64_t> set = seed.voxels;
  for (int radius = seed.radius + 1; radius <= max_radius; ++radius) {
    std::vector<std::int64_t> inner;
    for (std::int64_t i : set)
      if (survives(mask, g, i, radius)) inner.push_back(i);
    set = std::move(inner);
    std::vector<Seed> parts;
    for (auto& voxels : components.of(set))
      if (static_cast<std::int64_t>(voxels.size()) >= min_voxels) parts.push_back(seed_of(std::move(voxels), radius, g));
    if (parts.empty()) return;
    if (at(radius, parts)) return;
  }
}

// A seed's sagittal footprint, the pixels it holds on at least half of its slices, eroded a pixel at a
// time until the seed's own erosion and this reach max_radius: a bridge the mask leaves across a disc on
// a few of the slices keeps a 3-D seed whole under any erosion, while the footprint loses it. `at` sees each radius's parts, the seed's
// voxels over each footprint component (at least min_voxels), as erode_further's does.
void erode_footprint(const Seed& seed, const Grid& g, int max_radius, std::int64_t min_voxels,
                     const std::function<bool(int radius, std::vector<Seed>& parts)>& at) {
  const kernels::Plane box{seed.row_max - seed.row_min + 1, seed.col_max - seed.col_min + 1};
  auto at_box = [&](std::int64_t i) { return static_cast<std::size_t>((g.row(i) - seed.row_min) * box.cols + g.col(i) - seed.col_min); };
  std::vector<int> count(static_cast<std::size_t>(box.size()), 0);
  std::vector<std::int64_t> slices;
  for (std::int64_t i : seed.voxels) ++count[at_box(i)], slices.push_back(g.slice(i));
  std::sort(slices.begin(), slices.end());
  const auto n_slices = static_cast<int>(std::unique(slices.begin(), slices.end()) - slices.begin());
  std::vector<std::uint8_t> footprint(count.size());
  for (std::size_t k = 0; k < count.size(); ++k) footprint[k] = 2 * count[k] >= n_slices;
  const Grid plane{{1, box.rows, box.cols}};
  Components components(plane);
  for (int radius = 0; seed.radius + radius <= max_radius; ++radius) {
    const auto eroded = radius ? morph(footprint, box, radius, true) : footprint;
    std::vector<std::int64_t> set;
    for (std::int64_t k = 0; k < box.size(); ++k)
      if (eroded[static_cast<std::size_t>(k)]) set.push_back(k);
    std::vector<int> part_of(count.size(), -1);
    int n_parts = 0;
    for (const auto& pixels : components.of(set)) {
      for (std::int64_t k : pixels) part_of[static_cast<std::size_t>(k)] = n_parts;
      ++n_parts;
    }
    if (n_parts == 0) return;
    std::vector<std::vector<std::int64_t>> voxels(static_cast<std::size_t>(n_parts));
    for (std::int64_t i : seed.voxels)
      if (const int p = part_of[at_box(i)]; p >= 0) voxels[static_cast<std::size_t>(p)].push_back(i);
    std::vector<Seed> parts;
    for (auto& v : voxels)
      if (static_cast<std::int64_t>(v.size()) >= min_voxels) parts.push_back(seed_of(std::move(v), seed.radius + radius, g));
    if (parts.empty()) return;
    if (at(seed.radius + radius, parts)) return;
  }
}

// Where voxel i lies along `direction` (rows, cols; a unit vector) in the sagittal plane.
double along(const Grid& g, std::int64_t i, std::array<double, 2> direction) {
  return static_cast<double>(g.row(i)) * direction[0] + static_cast<double>(g.col(i)) * direction[1];
}

// The nearest and furthest of a seed's voxels along `direction`.
std::pair<double, double> extent_along(const Seed& seed, const Grid& g, std::array<double, 2> direction) {
  double lo = INFINITY, hi = -INFINITY;
  for (std::int64_t i : seed.voxels) lo = std::min(lo, along(g, i, direction)), hi = std::max(hi, along(g, i, direction));
  return {lo, hi};
}

// A seed cut across `direction` at its narrowest: the sagittal cross-section with the fewest voxels in
// the middle 40 % of its extent along the direction, if under `waist` of the median cross-section
// there. Empty when it has none so narrow.
std::vector<Seed> cut_across(const Seed& seed, const Grid& g, std::array<double, 2> direction, double waist) {
  const auto [lo, hi] = extent_along(seed, g, direction);
  std::vector<double> section(static_cast<std::size_t>(hi - lo) + 1, 0.0);
  for (std::int64_t i : seed.voxels) section[static_cast<std::size_t>(along(g, i, direction) - lo)] += 1;
  const auto from = static_cast<std::size_t>(0.3 * static_cast<double>(section.size())), to = section.size() - from;
  if (to <= from + 2) return {};
  const std::vector<double> middle(section.begin() + static_cast<long>(from), section.begin() + static_cast<long>(to));
  const auto narrowest = from + static_cast<std::size_t>(std::min_element(middle.begin(), middle.end()) - middle.begin());
  if (section[narrowest] >= waist * median_of(middle)) return {};
  std::vector<std::int64_t> upper, lower;
  for (std::int64_t i : seed.voxels) {
    const auto at = static_cast<std::size_t>(along(g, i, direction) - lo);
    if (at < narrowest) upper.push_back(i);
    else if (at > narrowest) lower.push_back(i);
  }
  if (upper.empty() || lower.empty()) return {};
  std::vector<Seed> parts;
  parts.push_back(seed_of(std::move(upper), seed.radius, g));
  parts.push_back(seed_of(std::move(lower), seed.radius, g));
  return parts;
}

// The two largest of `parts`, top first.
std::pair<Seed, Seed> two_largest(std::vector<Seed>& parts) {
  std::sort(parts.begin(), parts.end(), [](const Seed& a, const Seed& b) { return a.voxels.size() > b.voxels.size(); });
  if (parts[0].mean_row > parts[1].mean_row) std::swap(parts[0], parts[1]);
  return {std::move(parts[0]), std::move(parts[1])};
}

// Stage 3b: the top of the column. The field's upper edge cuts the highest body, and its remnant joins
// the body below across a disc the erosion did not cut, under the 40 mm that make any seed erode further:
// one seed, named as one body, half of it another's (two lumbar-vb-t2 volumes: T10 in T11, T11's Dice
// 0.6). No body is a third taller than the median of its column (they differ by about 20 %; thoracic
// bodies are shorter than lumbar), so a top seed that is eroded further, a pixel at a time up to the
// limit joined seeds have, until it falls apart. Names count from the bottom: this changes none below.
void split_tall_top(std::vector<const Seed*>& kept, std::deque<Seed>& parts_kept, const std::vector<std::uint8_t>& mask, const Grid& g,
                    Components& components, int max_radius, std::int64_t min_voxels, std::vector<std::string>& notes) {
  if (kept.size() < 4) return;
  std::vector<double> heights;
  for (const Seed* s : kept) heights.push_back(s->tall());
  const double typical = median_of(heights);
  const Seed& top = *kept.front();
  if (top.tall() <= 4.0 / 3.0 * typical) return;
  std::optional<Seed> core;  // the first erosion short enough, if it never falls apart into two
  bool split = false;
  erode_further(top, mask, g, components, max_radius, min_voxels, [&](int radius, std::vector<Seed>& parts) {
    if (parts.size() < 2) {
      if (!core && parts[0].tall() <= 4.0 / 3.0 * typical) core = std::move(parts[0]);
      return false;
    }
    char note[128];
    std::snprintf(note, sizeof note, "the top seed, %.1f x the median height, cut in two by eroding it to %d px", top.tall() / typical, radius);
    notes.emplace_back(note);
    auto [upper, lower] = two_largest(parts);
    parts_kept.push_back(std::move(upper));
    parts_kept.push_back(std::move(lower));
    kept.front() = &parts_kept.back();
    kept.insert(kept.begin(), &parts_kept[parts_kept.size() - 2]);
    return split = true;
  });
  if (!split && core) {  // it never fell apart, but its remnant fell away under a body's size: the rest is the body below
    char note[128];
    std::snprintf(note, sizeof note, "the top seed, %.1f x the median height, eroded to %d px: its remnant above fell away", top.tall() / typical,
                  core->radius);
    notes.emplace_back(note);
    parts_kept.push_back(std::move(*core));
    kept.front() = &parts_kept.back();
  }
}

// Stage 4a: the sacrum, found positively. Lordosis bends the column backwards a little at each lumbar
// disc; at the lumbosacral junction it bends sharply: the step from L5's centre to S1's turns backwards
// from the column's direction over the two gaps above by 21-42 degrees on the ten lumbar-vb-t2
// mid-slices, where the steps between lumbar bodies turn at most 23. Of the three lowest seeds (with
// three above them), S1 is the one whose step turns most, if that is at least kSacralTurnDeg. The bend
// belongs to one joint: where S1's turn exceeds the body above's by less than kSacralMarginDeg (a
// spread curve, or L5 taken for S1 because S1 is missing from the mask), the names are unsure.
// A turn under kSacralSureDeg is within the range of the lumbar steps' own (up to 23 degrees): L5 taken
// for S1 where the mask misses S1 turned 20 on one run (lumbar-vb-t2 04), so such a sacrum leaves the
// names unsure.
constexpr double kSacralTurnDeg = 20.0, kSacralMarginDeg = 6.0, kSacralSureDeg = 24.0;

struct Sacrum {
  int seed = -1;  // index into the kept seeds (top to bottom) of S1; -1: not found
  bool sure = false;
};

double direction_deg(const Seed& from, const Seed& to) {  // 0: straight down the rows, positive: backwards
  return std::atan2(to.mean_col - from.mean_col, to.mean_row - from.mean_row) * 180.0 / std::numbers::pi;
}

// How far the step into seed k (top to bottom, k >= 3) turns backwards from the column's direction over
// the two steps above it.
double turn_at(const std::vector<const Seed*>& kept, int k) {
  const auto at = [&](int i) -> const Seed& { return *kept[static_cast<std::size_t>(i)]; };
  return direction_deg(at(k - 1), at(k)) - direction_deg(at(k - 3), at(k - 1));
}

Sacrum find_sacrum(const std::vector<const Seed*>& kept, std::vector<std::string>& notes) {
  const auto n = static_cast<int>(kept.size());
  auto turn_at = [&](int k) { return segflow::turn_at(kept, k); };
  Sacrum sacrum;
  double best = -std::numeric_limits<double>::infinity();
  std::string measured;
  for (int k = std::max(3, n - 3); k < n; ++k) {
    const double turn = turn_at(k);
    char seen[32];
    std::snprintf(seen, sizeof seen, "%s%.0f", measured.empty() ? "" : ", ", turn);
    measured += seen;
    if (turn > best) best = turn, sacrum.seed = k;
  }
  if (best < kSacralTurnDeg) {
    notes.emplace_back("no sacrum found (the lowest seeds' steps turn " + (measured.empty() ? std::string("-, too few seeds") : measured) +
                       " degrees): the lowest body is taken for L5, names unsure");
    return {};
  }
  const double above = sacrum.seed >= 4 ? turn_at(sacrum.seed - 1) : -std::numeric_limits<double>::infinity();
  sacrum.sure = best - above >= kSacralMarginDeg && best >= kSacralSureDeg;
  char note[200];
  std::snprintf(note, sizeof note, "sacrum: S1's step turns %.0f degrees (the lowest seeds' %s)%s", best, measured.c_str(),
                best - above < kSacralMarginDeg ? ", hardly more than the body above's: names unsure"
                : best < kSacralSureDeg        ? ", no more than a lumbar step may: names unsure"
                                               : "");
  notes.emplace_back(note);
  if (sacrum.seed + 1 < n) {
    std::snprintf(note, sizeof note, "%d seed%s below S1 left out", n - sacrum.seed - 1, n - sacrum.seed - 1 == 1 ? "" : "s");
    notes.emplace_back(note);
  }
  return sacrum;
}

// Stage 4b: L5 fused to S1. The lumbosacral disc is the column's most often degenerate and its most
// oblique, and where the mask bridges it on the central slices the erosion to seeds may not cut it: the
// joined seed sits where the column turns, is taken for S1, and every name above is one level high. So
// the seed taken for S1 is eroded further, a pixel at a time up to the limit other joined seeds have,
// until it falls apart. The column runs straight into L5 and turns at S1: if it runs into the upper part
// with a turn under kSacralTurnDeg and into the lower with one at least kSacralTurnDeg and
// kSacralMarginDeg more, the parts are L5 and S1. A sacrum that falls apart into S1 and S2 stays whole:
// there the column turns into the upper part already. Where the mask bridges the disc on some slices
// more thickly than any erosion cuts (two of the ten lumbar-vb-t2 volumes, on one run of the network),
// the seed's footprint on half its slices is eroded, and failing that it is cut at its narrowest across
// the column; either only for a seed that reaches a spacing down the column, more than one body does.
void split_fused_sacrum(std::vector<const Seed*>& kept, Sacrum& sacrum, std::deque<Seed>& parts_kept, const std::vector<std::uint8_t>& mask,
                        const Grid& g, Components& components, int max_radius, std::int64_t min_voxels, std::vector<std::string>& notes) {
  if (sacrum.seed < 3) return;
  const Seed& fused = *kept[static_cast<std::size_t>(sacrum.seed)];
  bool cut = false;
  const char* how = "eroding it";
  const auto try_parts = [&](int radius, std::vector<Seed>& parts) {
    if (parts.size() < 2) return false;
    auto [upper_part, lower_part] = two_largest(parts);
    std::vector<const Seed*> split(kept.begin(), kept.begin() + sacrum.seed);
    split.push_back(&upper_part);
    split.push_back(&lower_part);
    const double upper = turn_at(split, sacrum.seed), lower = turn_at(split, sacrum.seed + 1);
    if (upper >= kSacralTurnDeg || lower < kSacralTurnDeg || lower - upper < kSacralMarginDeg) return true;
    char note[200];
    std::snprintf(note, sizeof note, "L5 and S1 joined in one seed, cut apart by %s to %d px: the column turns %.0f degrees into L5, %.0f into S1",
                  how, radius, upper, lower);
    notes.emplace_back(note);
    parts_kept.push_back(std::move(upper_part));
    parts_kept.push_back(std::move(lower_part));
    kept.resize(static_cast<std::size_t>(sacrum.seed));
    kept.push_back(&parts_kept[parts_kept.size() - 2]);
    kept.push_back(&parts_kept.back());
    sacrum = {sacrum.seed + 1, lower >= kSacralSureDeg};
    cut = true;
    return true;
  };
  erode_further(fused, mask, g, components, max_radius, min_voxels, try_parts);
  if (cut) return;
  // Where erosion does not part it, a seed that reaches a spacing down the column holds more than one
  // body (a body and a disc fill a spacing, and the seed is a body eroded): its footprint is eroded,
  // then it is cut at its waist, and the turns above decide as before.
  const Seed& above = *kept[static_cast<std::size_t>(sacrum.seed - 1)];
  const double length = distance(above, fused);
  const std::array<double, 2> down{(fused.mean_row - above.mean_row) / length, (fused.mean_col - above.mean_col) / length};
  std::vector<double> gaps;
  for (int k = 1; k < sacrum.seed; ++k) gaps.push_back(distance(*kept[static_cast<std::size_t>(k)], *kept[static_cast<std::size_t>(k - 1)]));
  if (const auto [lo, hi] = extent_along(fused, g, down); hi - lo < median_of(gaps)) return;
  how = "eroding its footprint on half its slices";
  erode_footprint(fused, g, max_radius, min_voxels, try_parts);
  if (cut) return;
  how = "cutting it at its waist across the column, eroded";
  auto parts = cut_across(fused, g, down, 0.6);
  if (!parts.empty()) try_parts(fused.radius, parts);
}

// Stage 4c: each kept seed's position in the column counted from S1 (0; without a sacrum the lowest seed
// is taken for L5, 1), with the bodies the mask missed: a gap of 1.65-2.35 median spacings holds one
// missed body (complete real and synthetic columns show 0.73-1.35 spacings between neighbours, growing
// from T10 to L5). A wider gap, where the count of missed bodies is no longer clear from spacings that
// vary by level, or a gap between 1.45 and 1.65 or 2.35 and 2.6 makes every name above it unsure. Without
// a sacrum, a wide gap above the lowest seed does too: a missed L5 above a small S1 is as likely as a
// loop of bowel below the sacrum (both on real 2-D slices).
struct Column {
  std::vector<const Seed*> bodies;  // bottom to top
  std::vector<int> position;        // per body, from the bottom
  int confident = 0;                // positions 0 .. confident - 1 are named with confidence
};

Column place_in_column(std::vector<const Seed*> kept, const Sacrum& sacrum, const Grid& g, std::vector<std::string>& notes) {
  const bool sacrum_found = sacrum.seed >= 0;
  Column column;
  std::reverse(kept.begin(), kept.end());  // bottom first
  const int lowest = sacrum_found ? 0 : 1;  // without a sacrum the lowest body is taken for L5, unsure
  if (kept.size() < 3) {
    column.bodies = kept;
    for (std::size_t k = 0; k < kept.size(); ++k) column.position.push_back(lowest + static_cast<int>(k));
    column.confident = sacrum.sure ? static_cast<int>(kept.size()) : 0;
    return column;
  }
  std::vector<double> gaps, sizes;
  for (std::size_t k = 1; k < kept.size(); ++k) gaps.push_back(distance(*kept[k], *kept[k - 1]));
  for (const Seed* s : kept) sizes.push_back(static_cast<double>(s->voxels.size()));
  const double spacing = median_of(gaps), typical_size = median_of(sizes);
  bool unsure = !sacrum.sure;
  char note[160];
  if (sacrum_found) {
    // The sacrum's seed is S1 fused to S2: its centre lies anywhere along them, so its gap is taken from
    // its nearest pixel to the centre of the body above. Over a disc that is about 0.65 spacings (half a
    // body, the disc, the seeds' erosion), 0.35 less than from a centre: the gap counts as that + 0.35.
    double nearest = std::numeric_limits<double>::infinity();
    for (std::int64_t i : kept[0]->voxels)
      nearest = std::min(nearest, std::hypot(static_cast<double>(g.row(i)) - kept[1]->mean_row, static_cast<double>(g.col(i)) - kept[1]->mean_col));
    gaps.front() = nearest + 0.35 * spacing;
    // A fragment of the sacrum (under half a body's size) shows where the column turns, not where along
    // the sacrum it lies: the body above is taken for L5 unless the gap leaves room for two. Its top
    // within a spacing of the body above's centre is S1's own top (half a body and a disc, ~0.65
    // spacings, below L5's centre; a body missed between them puts it a spacing lower): names stay
    // sure. Further down it may be S2 below a missed S1, or S1 below a missed L5 (on a real slice such a
    // fragment lay 1.4 spacings below L5, a whole S1 below a missed L5 1.6): names unsure.
    if (static_cast<double>(kept[0]->voxels.size()) < 0.5 * typical_size) {
      if (nearest < 1.5 * spacing) gaps.front() = spacing;
      const bool adjacent = nearest < spacing;
      unsure = unsure || !adjacent;
      std::snprintf(note, sizeof note, "the sacrum's seed is a fragment (%.0f %% of a body), its top %.2f spacings below the body above%s",
                    100.0 * static_cast<double>(kept[0]->voxels.size()) / typical_size, nearest / spacing,
                    adjacent ? ": S1's top" : ": names unsure");
      notes.emplace_back(note);
    }
  }
  if (!sacrum_found && gaps.front() >= 1.6 * spacing) {
    unsure = true;
    std::snprintf(note, sizeof note, "the lowest body lies %.2f spacings below the next (%.0f %% of a body's size): a body missed above it, or a "
                  "stray that is not S1", gaps.front() / spacing, 100.0 * static_cast<double>(kept.front()->voxels.size()) / typical_size);
    notes.emplace_back(note);
  }
  int position = lowest;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    if (k > 0) {
      const double ratio = gaps[k - 1] / spacing;
      const int missed = ratio >= 1.6 ? static_cast<int>(std::lround(ratio)) - 1 : 0;
      if (missed > 0 || ratio > 1.45) {
        const bool clear = missed == 1 && std::abs(ratio - 2.0) <= 0.35;
        std::snprintf(note, sizeof note, "%d bod%s missed %.2f spacings above position %d%s", missed, missed == 1 ? "y" : "ies", ratio,
                      position, clear ? "" : " (not clearly one body: names above unsure)");
        notes.emplace_back(note);
        if (!clear && !unsure) column.confident = position + 1;
        unsure = unsure || !clear;
      }
      position += 1 + missed;
    }
    column.bodies.push_back(kept[k]);
    column.position.push_back(position);
  }
  if (!unsure) column.confident = position + 1;
  return column;
}

// Stage 5: each seed grows back through the mask, breadth first, but only within its reach: in the
// sagittal plane, no further from the seed's outline (over all its slices) than the erosion it survived
// plus reach_px. A body's lateral sections lie within its central one, so that is all a body needs;
// without the limit a seed flooded a neighbour whose own seed was lost (T10 taken by T11, L5 by S1)
// through any bridge on any slice.
std::vector<std::uint8_t> grow(const std::vector<std::uint8_t>& mask, const Grid& g, const std::vector<const Seed*>& bodies,
                               const std::vector<std::uint8_t>& label_of, int reach_px) {
  std::vector<std::uint8_t> labels(mask.size(), 0);
  std::deque<std::int64_t> frontier;
  std::vector<std::vector<std::uint8_t>> reach(256);  // per label, a sagittal plane; empty: anywhere
  for (std::size_t k = 0; k < bodies.size(); ++k) {
    const Seed* c = bodies[k];
    for (std::int64_t i : c->voxels) {
      labels[static_cast<std::size_t>(i)] = label_of[k];
      frontier.push_back(i);
    }
    if (reach_px < 0) continue;
    // dilated within the seed's bounding box grown by the radius, not the whole plane: on a 0.5 mm
    // slice the radius is 12-24 pixels
    const int radius = c->radius + reach_px;
    const std::int64_t r0 = std::max<std::int64_t>(0, c->row_min - radius), r1 = std::min(g.shape[1] - 1, c->row_max + radius);
    const std::int64_t c0 = std::max<std::int64_t>(0, c->col_min - radius), c1 = std::min(g.shape[2] - 1, c->col_max + radius);
    const kernels::Plane box{r1 - r0 + 1, c1 - c0 + 1};
    std::vector<std::uint8_t> outline(static_cast<std::size_t>(box.size()), 0);
    for (std::int64_t i : c->voxels) outline[static_cast<std::size_t>((g.row(i) - r0) * box.cols + g.col(i) - c0)] = 1;
    outline = morph(outline, box, radius, false);
    std::vector<std::uint8_t> within(static_cast<std::size_t>(g.plane()), 0);
    for (std::int64_t r = 0; r < box.rows; ++r) std::copy_n(outline.begin() + r * box.cols, box.cols, within.begin() + (r0 + r) * g.shape[2] + c0);
    reach[label_of[k]] = std::move(within);
  }
  while (!frontier.empty()) {
    const std::int64_t i = frontier.front();
    frontier.pop_front();
    const auto& within = reach[labels[static_cast<std::size_t>(i)]];
    std::int64_t next[6];
    g.neighbours(i, next);
    for (std::int64_t n : next)
      if (n >= 0 && mask[static_cast<std::size_t>(n)] && labels[static_cast<std::size_t>(n)] == 0 &&
          (within.empty() || within[static_cast<std::size_t>(n % g.plane())])) {
        labels[static_cast<std::size_t>(n)] = labels[static_cast<std::size_t>(i)];
        frontier.push_back(n);
      }
  }
  return labels;
}

}  // namespace

std::uint8_t level_label(int position) {
  // 1-6 are L1..S1; above L1 each body its own label, T12 = 7, T11 = 8, ..., so none is scored or drawn
  // as two bodies at once
  return static_cast<std::uint8_t>(position < 6 ? 6 - position : std::min(position + 1, 255));
}

int level_position(std::uint8_t label) { return label <= 6 ? 6 - label : label - 1; }

std::string level_name(std::uint8_t label) {
  char name[8];  // (snprintf: "L" + std::to_string trips GCC 12's -Wrestrict false positive)
  if (label >= 1 && label <= 5) std::snprintf(name, sizeof name, "L%d", label);
  else if (label == 6) std::snprintf(name, sizeof name, "S1");
  else std::snprintf(name, sizeof name, "T%d", 12 - (label - 7));  // T12 = 7, T11 = 8, ...
  return name;
}

Naming name_vertebrae(const std::vector<std::uint8_t>& mask, const std::array<std::int64_t, 3>& shape, std::int64_t min_voxels,
                      int erosion_px, std::int64_t max_seed_rows, int reach_px) {
  const Grid g{shape};
  Naming out;
  Components components(g);
  std::vector<Seed> seeds = erode_to_seeds(mask, g, components, erosion_px, max_seed_rows);
  split_at_waists(seeds, min_voxels, g, out.notes);
  std::vector<const Seed*> kept = keep_bodies(seeds, min_voxels);
  std::deque<Seed> parts;  // seeds the splits below make (a deque: `kept` points into it)
  split_tall_top(kept, parts, mask, g, components, 3 * std::max(erosion_px, 1), min_voxels, out.notes);
  Sacrum sacrum = find_sacrum(kept, out.notes);
  split_fused_sacrum(kept, sacrum, parts, mask, g, components, 3 * std::max(erosion_px, 1), min_voxels, out.notes);
  if (sacrum.seed >= 0) kept.resize(static_cast<std::size_t>(sacrum.seed) + 1);  // below S1: the sacrum's lower segments, bowel
  const Column column = place_in_column(kept, sacrum, g, out.notes);
  std::vector<std::uint8_t> label_of;
  for (int p : column.position) label_of.push_back(level_label(p));
  out.labels = grow(mask, g, column.bodies, label_of, reach_px);
  out.confident_positions = column.confident;
  return out;
}

Naming name_vertebrae(const std::vector<std::uint8_t>& mask, const Volume& v) {
  // Seeds eroded by 3 mm: a disc is 5-12 mm tall, so this cuts bridges across it but keeps bodies; a
  // body's seed is thousands of mm^3, anything under 500 mm^3 is noise. A single 2-D slice (SPIDER) has
  // no volume to speak of: there 40 mm^2 per seeded slice is the noise floor, whatever its thickness.
  // An eroded body is at most ~30 mm tall: a seed over 40 mm is bodies joined across a disc.
  const int erosion = static_cast<int>(std::ceil(3.0 / v.spacing_mm[1]));
  const double voxel_mm3 = v.spacing_mm[0] * v.spacing_mm[1] * v.spacing_mm[2], pixel_mm2 = v.spacing_mm[1] * v.spacing_mm[2];
  const std::int64_t seeded_slices = std::max<std::int64_t>(1, v.shape[0] - 2 * (v.shape[0] / 3));
  const double noise = std::min(500.0 / voxel_mm3, 40.0 / pixel_mm2 * static_cast<double>(seeded_slices));
  return name_vertebrae(mask, v.shape, std::max<std::int64_t>(1, std::llround(noise)), erosion, std::llround(40.0 / v.spacing_mm[1]),
                        static_cast<int>(std::ceil(3.0 / v.spacing_mm[1])));
}

}  // namespace ldd::segflow
