#include "segflow/disc_geometry.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace ldd::segflow {
namespace {

constexpr std::int64_t kMinVoxels = 50;  // fewer is noise, not a vertebra

struct Points {
  std::vector<std::array<double, 2>> rc;  // (row, col) mm of every voxel of a label, all slices
  std::vector<std::int64_t> slice;        // the slice of each
};

// Extent of `points` along unit direction `d` from `origin`, keeping only points within `band` mm of
// the line through origin along d (so rounded corners and oblique edges do not count).
std::pair<double, double> extent(const Points& points, const std::array<double, 2>& origin, const std::array<double, 2>& d,
                                 double band) {
  double lo = 1e30, hi = -1e30;
  for (const auto& p : points.rc) {
    const double dr = p[0] - origin[0], dc = p[1] - origin[1];
    const double along = dr * d[0] + dc * d[1], across = -dr * d[1] + dc * d[0];
    if (std::abs(across) > band) continue;
    lo = std::min(lo, along);
    hi = std::max(hi, along);
  }
  return {lo, hi};
}

// Every voxel of labels 1-6 (L1 .. S1), in millimetres, per label.
std::array<Points, 6> label_points(const std::vector<std::uint8_t>& labels, const std::array<std::int64_t, 3>& shape,
                                   const std::array<double, 3>& spacing) {
  std::array<Points, 6> points;
  for (std::int64_t s = 0; s < shape[0]; ++s)
    for (std::int64_t r = 0; r < shape[1]; ++r)
      for (std::int64_t c = 0; c < shape[2]; ++c) {
        const int label = labels[static_cast<std::size_t>((s * shape[1] + r) * shape[2] + c)];
        if (label >= 1 && label <= 6) {
          points[static_cast<std::size_t>(label - 1)].rc.push_back({r * spacing[1], c * spacing[2]});
          points[static_cast<std::size_t>(label - 1)].slice.push_back(s);
        }
      }
  return points;
}

// The centroid of every label with a body's worth of voxels.
void find_vertebrae(const std::array<Points, 6>& points, DiscGeometry& g) {
  for (std::size_t v = 0; v < 6; ++v) {
    if (static_cast<std::int64_t>(points[v].rc.size()) < kMinVoxels) continue;
    VertebraShape shape_v;
    for (const auto& p : points[v].rc) {
      shape_v.centroid_mm[0] += p[0];
      shape_v.centroid_mm[1] += p[1];
    }
    shape_v.voxels = static_cast<std::int64_t>(points[v].rc.size());
    shape_v.centroid_mm[0] /= static_cast<double>(shape_v.voxels);
    shape_v.centroid_mm[1] /= static_cast<double>(shape_v.voxels);
    g.vertebrae[v] = shape_v;
  }
}

// A body the naming counted but the mask missed, between two found ones: midway, with the upper one's shape.
void infer_missed_vertebrae(std::array<Points, 6>& points, DiscGeometry& g) {
  for (std::size_t v = 1; v + 1 < 6; ++v) {
    if (g.vertebrae[v] || !g.vertebrae[v - 1] || !g.vertebrae[v + 1]) continue;
    VertebraShape inferred;
    inferred.inferred = true;
    const auto& above = g.vertebrae[v - 1]->centroid_mm;
    const auto& below = g.vertebrae[v + 1]->centroid_mm;
    inferred.centroid_mm = {(above[0] + below[0]) / 2, (above[1] + below[1]) / 2};
    for (const auto& p : points[v - 1].rc) points[v].rc.push_back({p[0] + inferred.centroid_mm[0] - above[0], p[1] + inferred.centroid_mm[1] - above[1]});
    points[v].slice = points[v - 1].slice;
    g.vertebrae[v] = inferred;
  }
}

// Each body's antero-posterior width across the local spine axis (through its neighbours' centroids,
// one-sided at the ends), and w, their mean over the lumbar bodies the mask found.
void measure_widths(const std::array<Points, 6>& points, const std::array<double, 3>& spacing, DiscGeometry& g) {
  auto axis_at = [&](std::size_t v) -> std::optional<std::array<double, 2>> {
    const auto& prev = v > 0 && g.vertebrae[v - 1] ? g.vertebrae[v - 1] : g.vertebrae[v];
    const auto& next = v + 1 < 6 && g.vertebrae[v + 1] ? g.vertebrae[v + 1] : g.vertebrae[v];
    const double dr = next->centroid_mm[0] - prev->centroid_mm[0], dc = next->centroid_mm[1] - prev->centroid_mm[1];
    const double n = std::hypot(dr, dc);
    if (n == 0) return std::nullopt;
    return std::array<double, 2>{dr / n, dc / n};
  };
  double width_sum = 0;
  int widths = 0;
  for (std::size_t v = 0; v < 6; ++v) {
    if (!g.vertebrae[v]) continue;
    const auto axis = axis_at(v);
    if (!axis) continue;
    const std::array<double, 2> across{-(*axis)[1], (*axis)[0]};
    const auto [lo, hi] = extent(points[v], g.vertebrae[v]->centroid_mm, across, 4.0);
    g.vertebrae[v]->width_mm = hi - lo + spacing[2];
    if (v < 5 && !g.vertebrae[v]->inferred) {  // S1 is not a lumbar body: w averages the bodies above it
      width_sum += g.vertebrae[v]->width_mm;
      ++widths;
    }
  }
  LDD_CHECK(widths >= 2, "disc geometry: fewer than two lumbar vertebrae found; no disc can be placed");
  g.mean_width_mm = width_sum / widths;
}

// Where the upper body's own axis crosses the middle of its lower endplate, as a shift across that axis
// from the body's centroid: the endplate's middle slice by slice, then the median. A mask that spills
// onto a pedicle in a lateral slice reaches back there (centroids came out 1.0-1.4 mm posterior on the
// quickstart cohort).
double endplate_middle(const Points& upper_points, const VertebraShape& upper, const std::array<double, 2>& own, double upper_end,
                       double w, std::int64_t slices) {
  const std::array<double, 2> own_across{-own[1], own[0]};
  std::vector<std::pair<double, double>> spans(static_cast<std::size_t>(slices), {1e30, -1e30});
  for (std::size_t i = 0; i < upper_points.rc.size(); ++i) {
    const double dr = upper_points.rc[i][0] - upper.centroid_mm[0], dc = upper_points.rc[i][1] - upper.centroid_mm[1];
    const double along = dr * own[0] + dc * own[1];
    if (along < upper_end - 0.3 * w) continue;
    auto& span = spans[static_cast<std::size_t>(upper_points.slice[i])];
    const double a = dr * own_across[0] + dc * own_across[1];
    span = {std::min(span.first, a), std::max(span.second, a)};
  }
  std::vector<double> middles;
  for (const auto& [front, back] : spans)
    if (front <= back) middles.push_back((front + back) / 2);
  std::sort(middles.begin(), middles.end());
  const std::size_t h = middles.size() / 2;
  return middles.empty() ? 0.0 : middles.size() % 2 ? middles[h] : (middles[h - 1] + middles[h]) / 2;
}

// The crop box of a placed disc, in voxels: all slices; 1.5w along the axis; 2w across (towards posterior).
kernels::OrientedBox box_of(const DiscRegion& d, const std::array<std::int64_t, 3>& shape, const std::array<double, 3>& spacing) {
  const std::array<double, 2> across{-d.axis[1], d.axis[0]};
  kernels::OrientedBox b;
  b.axes[0][0] = static_cast<float>(shape[0]);
  for (int k = 0; k < 2; ++k) {
    const double along_mm = d.height_mm * d.axis[static_cast<std::size_t>(k)];
    const double across_mm = d.depth_mm * across[static_cast<std::size_t>(k)];
    b.axes[1][k + 1] = static_cast<float>(along_mm / spacing[static_cast<std::size_t>(k + 1)]);
    b.axes[2][k + 1] = static_cast<float>(across_mm / spacing[static_cast<std::size_t>(k + 1)]);
  }
  b.corner[0] = -0.5f;
  for (int k = 1; k < 3; ++k)
    b.corner[k] = static_cast<float>(d.centre_mm[static_cast<std::size_t>(k - 1)] / spacing[static_cast<std::size_t>(k)] -
                                     0.5 * (b.axes[1][k] + b.axes[2][k]));
  return b;
}

// The disc between bodies `level` and `level + 1`, both found.
DiscRegion place_disc(int level, const std::array<Points, 6>& points, const DiscGeometry& g, const std::array<std::int64_t, 3>& shape,
                      const std::array<double, 3>& spacing) {
  const double w = g.mean_width_mm;
  const auto& upper = g.vertebrae[static_cast<std::size_t>(level)];
  const auto& lower = g.vertebrae[static_cast<std::size_t>(level + 1)];
  // The upper body's own axis: the step to it from the body above (the first disc's: the step below).
  const std::array<double, 2> step{lower->centroid_mm[0] - upper->centroid_mm[0], lower->centroid_mm[1] - upper->centroid_mm[1]};
  const double step_n = std::hypot(step[0], step[1]);
  std::array<double, 2> own{step[0] / step_n, step[1] / step_n};
  if (const auto& above = level > 0 ? g.vertebrae[static_cast<std::size_t>(level - 1)] : std::nullopt; above) {
    own = {upper->centroid_mm[0] - above->centroid_mm[0], upper->centroid_mm[1] - above->centroid_mm[1]};
    const double own_n = std::hypot(own[0], own[1]);
    own = {own[0] / own_n, own[1] / own_n};
  }
  // The box's axis: halfway between the column's direction over the step to the lower body and over the
  // step to the upper one from the body above it. The step alone tips with S1, which leans back with the
  // sacrum (its lower half lies 15-20 mm behind its upper endplate).
  std::array<double, 2> axis{step[0] / step_n + own[0], step[1] / step_n + own[1]};
  const double n = std::hypot(axis[0], axis[1]);
  axis = {axis[0] / n, axis[1] / n};
  // The disc's centre lies on the upper body's own axis, through the middle of its lower endplate,
  // halfway across the gap to the lower body. Not between the two bodies' centroids or edges: S1,
  // leaning back under a wedge-shaped disc, reaches far behind L5 and its endplate faces the disc obliquely.
  const std::array<double, 2> own_across{-own[1], own[0]};
  const auto& upper_points = points[static_cast<std::size_t>(level)];
  const double upper_end = extent(upper_points, upper->centroid_mm, own, w / 4).second;
  const double shift = endplate_middle(upper_points, *upper, own, upper_end, w, shape[0]);
  const std::array<double, 2> through{upper->centroid_mm[0] + shift * own_across[0], upper->centroid_mm[1] + shift * own_across[1]};
  // Along that line, from the upper endplate to the lower one, each measured near the line.
  const double disc_top = extent(upper_points, through, own, w / 8).second;
  double disc_bottom = extent(points[static_cast<std::size_t>(level + 1)], through, own, w / 8).first;
  if (!(disc_bottom > disc_top && disc_bottom < 1e29))  // no lower body on the line: the one near its centroid
    disc_bottom = extent(points[static_cast<std::size_t>(level + 1)], lower->centroid_mm, own, w / 4).first +
                  (lower->centroid_mm[0] - through[0]) * own[0] + (lower->centroid_mm[1] - through[1]) * own[1];
  const double mid = ((disc_top > -1e29 ? disc_top : upper_end) + disc_bottom) / 2;
  DiscRegion d;
  d.level = level;
  d.axis = axis;
  d.centre_mm = {through[0] + mid * own[0], through[1] + mid * own[1]};
  d.height_mm = 1.5 * w;
  d.depth_mm = 2.0 * w;
  d.box = box_of(d, shape, spacing);
  return d;
}

}  // namespace

DiscGeometry disc_geometry(const std::vector<std::uint8_t>& labels, const std::array<std::int64_t, 3>& shape,
                           const std::array<double, 3>& spacing) {
  LDD_CHECK(static_cast<std::int64_t>(labels.size()) == shape[0] * shape[1] * shape[2],
            "disc geometry: " << labels.size() << " labels for a " << shape[0] << "x" << shape[1] << "x" << shape[2] << " volume");
  auto points = label_points(labels, shape, spacing);
  DiscGeometry g;
  find_vertebrae(points, g);
  infer_missed_vertebrae(points, g);
  measure_widths(points, spacing, g);
  for (int level = 0; level < kLevels; ++level)
    if (g.vertebrae[static_cast<std::size_t>(level)] && g.vertebrae[static_cast<std::size_t>(level + 1)])
      g.discs[static_cast<std::size_t>(level)] = place_disc(level, points, g, shape, spacing);
  return g;
}

}  // namespace ldd::segflow
