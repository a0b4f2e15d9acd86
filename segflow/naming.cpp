#include "segflow/naming.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "segflow/morphology.h"

namespace ldd::segflow {

std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const std::array<std::int64_t, 3>& shape,
                                         std::int64_t min_voxels, int erosion_px, std::int64_t max_seed_rows, int reach_px) {
  const std::int64_t plane = shape[1] * shape[2];
  auto neighbours = [&](std::int64_t i, std::int64_t out[6]) {
    const std::int64_t s = i / plane, r = (i % plane) / shape[2], c = i % shape[2];
    out[0] = s > 0 ? i - plane : -1;
    out[1] = s + 1 < shape[0] ? i + plane : -1;
    out[2] = r > 0 ? i - shape[2] : -1;
    out[3] = r + 1 < shape[1] ? i + shape[2] : -1;
    out[4] = c > 0 ? i - 1 : -1;
    out[5] = c + 1 < shape[2] ? i + 1 : -1;
  };
  // Seeds: the mask eroded in-plane by a square of half-width erosion_px, on the central third of the
  // slices only: there the bodies are widest and the discs between them clearest, while lateral slices
  // (thin sections of the bodies) are where a network's mask bridges one body to the next.
  auto survives = [&](std::int64_t i, int radius) {
    const std::int64_t s = i / plane, r = (i % plane) / shape[2], c = i % shape[2];
    for (std::int64_t dr = -radius; dr <= radius; ++dr)
      for (std::int64_t dc = -radius; dc <= radius; ++dc) {
        const std::int64_t rr = r + dr, cc = c + dc;
        if (rr < 0 || rr >= shape[1] || cc < 0 || cc >= shape[2] || !mask[static_cast<std::size_t>(s * plane + rr * shape[2] + cc)]) return false;
      }
    return true;
  };
  std::vector<std::int64_t> candidates;
  const std::int64_t first_slice = shape[0] / 3, last_slice = std::max(first_slice + 1, shape[0] - shape[0] / 3);
  for (std::int64_t i = first_slice * plane; i < std::min(last_slice, shape[0]) * plane; ++i)
    if (mask[static_cast<std::size_t>(i)] && survives(i, erosion_px)) candidates.push_back(i);
  struct Component {
    std::vector<std::int64_t> voxels;
    int radius = 0;  // the in-plane erosion this seed survived
    double mean_row = 0, mean_col = 0;
    std::int64_t row_min = INT64_MAX, row_max = -1, col_min = INT64_MAX, col_max = -1;
    double tall() const { return static_cast<double>(row_max - row_min + 1); }
    double deep() const { return static_cast<double>(col_max - col_min + 1); }
  };
  // Connected components of a set of voxels; `stamp` marks the set's members (value `id`) and the
  // voxels already taken (value -id), so no per-call clearing is needed.
  std::vector<std::int64_t> stamp(mask.size(), 0);
  std::int64_t next_id = 0;
  auto components_of = [&](const std::vector<std::int64_t>& set) {
    const std::int64_t id = ++next_id;
    for (std::int64_t i : set) stamp[static_cast<std::size_t>(i)] = id;
    std::vector<Component> out;
    for (std::int64_t start : set) {
      if (stamp[static_cast<std::size_t>(start)] != id) continue;
      Component comp;
      std::deque<std::int64_t> queue{start};
      stamp[static_cast<std::size_t>(start)] = -id;
      while (!queue.empty()) {
        const std::int64_t i = queue.front();
        queue.pop_front();
        comp.voxels.push_back(i);
        const std::int64_t row = (i % plane) / shape[2], col = i % shape[2];
        comp.mean_row += static_cast<double>(row);
        comp.mean_col += static_cast<double>(col);
        comp.row_min = std::min(comp.row_min, row);
        comp.row_max = std::max(comp.row_max, row);
        comp.col_min = std::min(comp.col_min, col);
        comp.col_max = std::max(comp.col_max, col);
        std::int64_t next[6];
        neighbours(i, next);
        for (std::int64_t n : next)
          if (n >= 0 && stamp[static_cast<std::size_t>(n)] == id) {
            stamp[static_cast<std::size_t>(n)] = -id;
            queue.push_back(n);
          }
      }
      comp.mean_row /= static_cast<double>(comp.voxels.size());
      comp.mean_col /= static_cast<double>(comp.voxels.size());
      out.push_back(std::move(comp));
    }
    return out;
  };
  // A seed more than 2.5 times taller than deep is bodies joined across a disc the erosion did not
  // cut (on real series a degenerate disc or a partial-volume slice bridges them): it is eroded
  // further, a pixel at a time up to three times the first radius, until it falls apart into bodies.
  std::vector<Component> found;
  std::vector<std::pair<std::vector<std::int64_t>, int>> pending{{std::move(candidates), erosion_px}};
  while (!pending.empty()) {
    auto [set, radius] = std::move(pending.back());
    pending.pop_back();
    for (auto& comp : components_of(set)) {
      if ((comp.tall() > 2.5 * comp.deep() || comp.tall() > static_cast<double>(max_seed_rows)) && radius < 3 * std::max(erosion_px, 1)) {
        std::vector<std::int64_t> inner;
        for (std::int64_t i : comp.voxels)
          if (survives(i, radius + 1)) inner.push_back(i);
        pending.emplace_back(std::move(inner), radius + 1);
      } else {
        comp.radius = radius;
        found.push_back(std::move(comp));
      }
    }
  }
  // A vertebral body is about as tall as it is deep; a long thin strip (e.g. along the canal) is not one.
  // S1 is tilted by the sacral slope and often cut by the field's lower edge, so its eroded seed may be
  // flat (up to 4.5 times deeper than tall) and small.
  std::vector<const Component*> kept;
  for (const auto& c : found)
    if (static_cast<std::int64_t>(c.voxels.size()) >= min_voxels && c.tall() <= 2.5 * c.deep() && c.deep() <= 4.5 * c.tall())
      kept.push_back(&c);
  // Vertebrae are evenly spaced. A seed closer to its neighbour than 0.55 of the median spacing is a
  // fragment (a scrap of the sacrum below S1, a piece of an endplate) or half of a body the erosion cut
  // in two: the smaller of the pair goes, and the growth below gives its voxels to the body that stays.
  // Left in, it would shift every name above it by a level.
  auto median_of = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  std::sort(kept.begin(), kept.end(), [](const Component* a, const Component* b) { return a->mean_row < b->mean_row; });
  while (kept.size() >= 3) {
    std::vector<double> gaps;
    for (std::size_t k = 1; k < kept.size(); ++k) gaps.push_back(kept[k]->mean_row - kept[k - 1]->mean_row);
    const double median = median_of(gaps);
    const auto closest = static_cast<std::size_t>(std::min_element(gaps.begin(), gaps.end()) - gaps.begin());
    if (gaps[closest] >= 0.55 * median) break;
    kept.erase(kept.begin() + static_cast<long>(kept[closest]->voxels.size() < kept[closest + 1]->voxels.size() ? closest : closest + 1));
  }
  // The bodies form one column: a seed at either end more than 2.5 median spacings (in the sagittal
  // plane) from the next is not part of it (bowel, a kidney's pole, a corner of the field) and would be
  // named S1 or L1 in the abdomen.
  while (kept.size() >= 3) {
    std::vector<double> gaps;
    for (std::size_t k = 1; k < kept.size(); ++k)
      gaps.push_back(std::hypot(kept[k]->mean_row - kept[k - 1]->mean_row, kept[k]->mean_col - kept[k - 1]->mean_col));
    const double median = median_of(gaps);
    if (gaps.back() > 2.5 * median) kept.pop_back();
    else if (gaps.front() > 2.5 * median) kept.erase(kept.begin());
    else break;
  }
  std::sort(kept.begin(), kept.end(), [](const Component* a, const Component* b) { return a->mean_row > b->mean_row; });
  std::vector<std::uint8_t> labels(mask.size(), 0);
  std::deque<std::int64_t> frontier;
  for (std::size_t k = 0; k < kept.size(); ++k) {  // k = 0 is the lowest: S1 (label 6)
    // 1-6 are L1..S1; above L1 each body its own label, T12 = 7, T11 = 8, ..., so none is scored or
    // drawn as two bodies at once
    const auto label = static_cast<std::uint8_t>(k < 6 ? 6 - k : std::min<std::size_t>(k + 1, 255));
    for (std::int64_t i : kept[k]->voxels) {
      labels[static_cast<std::size_t>(i)] = label;
      frontier.push_back(i);
    }
  }
  // Each seed grows back through the mask, breadth first, but only within its reach: in the sagittal
  // plane, no further from the seed's outline (over all its slices) than the erosion it survived plus
  // reach_px. A body's lateral sections lie within its central one, so that is all a body needs; without
  // the limit a seed flooded a neighbour whose own seed was lost (T10 taken by T11, L5 by S1) through
  // any bridge on any slice.
  std::vector<std::vector<std::uint8_t>> reach(256);  // per label, a sagittal plane; empty: anywhere
  for (const Component* c : kept) {
    if (reach_px < 0) break;
    // dilated within the seed's bounding box grown by the radius, not the whole plane: on a 0.5 mm
    // slice the radius is 12-24 pixels
    const int radius = c->radius + reach_px;
    const std::int64_t r0 = std::max<std::int64_t>(0, c->row_min - radius), r1 = std::min(shape[1] - 1, c->row_max + radius);
    const std::int64_t c0 = std::max<std::int64_t>(0, c->col_min - radius), c1 = std::min(shape[2] - 1, c->col_max + radius);
    const kernels::Plane box{r1 - r0 + 1, c1 - c0 + 1};
    std::vector<std::uint8_t> outline(static_cast<std::size_t>(box.size()), 0);
    for (std::int64_t i : c->voxels) outline[static_cast<std::size_t>(((i % plane) / shape[2] - r0) * box.cols + i % shape[2] - c0)] = 1;
    outline = morph(outline, box, radius, false);
    std::vector<std::uint8_t> within(static_cast<std::size_t>(plane), 0);
    for (std::int64_t r = 0; r < box.rows; ++r)
      std::copy_n(outline.begin() + r * box.cols, box.cols, within.begin() + (r0 + r) * shape[2] + c0);
    reach[labels[static_cast<std::size_t>(c->voxels.front())]] = std::move(within);
  }
  while (!frontier.empty()) {
    const std::int64_t i = frontier.front();
    frontier.pop_front();
    const auto& within = reach[labels[static_cast<std::size_t>(i)]];
    std::int64_t next[6];
    neighbours(i, next);
    for (std::int64_t n : next)
      if (n >= 0 && mask[static_cast<std::size_t>(n)] && labels[static_cast<std::size_t>(n)] == 0 &&
          (within.empty() || within[static_cast<std::size_t>(n % plane)])) {
        labels[static_cast<std::size_t>(n)] = labels[static_cast<std::size_t>(i)];
        frontier.push_back(n);
      }
  }
  return labels;
}

std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const Volume& v) {
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
