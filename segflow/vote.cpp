#include "segflow/vote.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "base/check.h"
#include "segflow/optical_flow.h"
#include "segflow/proposals.h"

namespace ldd::segflow {

namespace {

// The votes of proposals that follow `canal`.
Votes vote_along(const Volume& v, const std::vector<float>& volume, const std::vector<double>& canal, const VoteOptions& o) {
  const std::int64_t slices = v.shape[0];
  const kernels::Plane p{v.shape[1], v.shape[2]};
  const double pixel_mm = v.spacing_mm[1];
  const auto body = body_level(volume, slices, p, pixel_mm, canal);
  Votes out;
  out.canal = canal;
  out.marrow_gradient = marrow_gradient(volume, slices, p, pixel_mm, body, canal);
  out.barrier_scale = std::max(1.0, out.marrow_gradient / o.reference_marrow_gradient);
  auto grid = proposal_grid();
  for (auto& params : grid) params.max_gradient *= out.barrier_scale;
  // Own votes per slice: the number of settings that mark each pixel.
  std::vector<float> own(volume.size(), 0.0f);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t s = 0; s < slices; ++s) {
    std::map<double, std::vector<float>> smoothed;  // per smoothing of the grid
    for (const auto& params : grid) {
      auto it = smoothed.find(params.smoothing_mm);
      if (it == smoothed.end())
        it = smoothed.emplace(params.smoothing_mm, smooth_slice(volume.data() + s * p.size(), p, pixel_mm, params.smoothing_mm)).first;
      const auto m = propose(it->second, p, pixel_mm, body, canal, params);
      for (std::int64_t i = 0; i < p.size(); ++i) own[static_cast<std::size_t>(s * p.size() + i)] += m[static_cast<std::size_t>(i)];
    }
  }
  out.fraction.assign(volume.size(), 0.0f);
  out.labels.assign(volume.size(), kIgnore);
  // Slices in parallel, each one's flows on one thread: a flow is ~1,500 small kernel calls, and as
  // parallel regions of their own they spent most of their time in barriers once two processes shared
  // the cores (the 3-D real-data test: 240 s alone, over 1,500 s beside another).
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t s = 0; s < slices; ++s) {
    std::vector<float> total(own.begin() + s * p.size(), own.begin() + (s + 1) * p.size());
    double weight = 1.0;
    const Tensor here = Tensor::from_vector({p.rows, p.cols}, std::span<const float>(volume.data() + s * p.size(), static_cast<std::size_t>(p.size())));
    for (std::int64_t n : {s - 1, s + 1}) {
      if (n < 0 || n >= slices) continue;
      const Tensor there = Tensor::from_vector({p.rows, p.cols}, std::span<const float>(volume.data() + n * p.size(), static_cast<std::size_t>(p.size())));
      const Tensor proposals = Tensor::from_vector({p.rows, p.cols}, std::span<const float>(own.data() + n * p.size(), static_cast<std::size_t>(p.size())));
      const auto warped = warp(proposals, estimate_flow(here, there)).to_vector();
      for (std::int64_t i = 0; i < p.size(); ++i) total[static_cast<std::size_t>(i)] += static_cast<float>(o.neighbour_weight) * warped[static_cast<std::size_t>(i)];
      weight += o.neighbour_weight;
    }
    for (std::int64_t i = 0; i < p.size(); ++i) {
      const float f = total[static_cast<std::size_t>(i)] / static_cast<float>(weight * static_cast<double>(grid.size()));
      const auto at = static_cast<std::size_t>(s * p.size() + i);
      out.fraction[at] = f;
      out.labels[at] = f >= o.foreground_at ? 1 : f <= o.background_below ? 0 : kIgnore;
    }
  }
  return out;
}

}  // namespace

Votes vote(const Volume& v, const VoteOptions& o) {
  LDD_CHECK(std::abs(v.spacing_mm[1] - v.spacing_mm[2]) < 1e-3 * v.spacing_mm[1],
            "SegFlow needs square pixels, got " << v.spacing_mm[1] << " x " << v.spacing_mm[2] << " mm");
  const kernels::Plane p{v.shape[1], v.shape[2]};
  const std::vector<float> volume = v.intensities();
  const auto canal = find_canal(volume, v.shape[0], p, v.spacing_mm[1], v.spacing_mm[0]);
  Votes votes = vote_along(v, volume, canal, o);
  // A canal whose proposals show no spine is most likely a wrong one (on real slices: the bodies' front
  // edge, or a spine off the field's centre): the best path away from it gets its chance.
  if (const int bodies = voted_bodies(votes, v); bodies < kTeachingBodies) {
    Votes second = vote_along(v, volume, find_canal(volume, v.shape[0], p, v.spacing_mm[1], v.spacing_mm[0], canal), o);
    if (voted_bodies(second, v) > bodies) votes = std::move(second);
  }
  return votes;
}

std::vector<std::size_t> teaching_volumes(const std::vector<int>& bodies, int count) {
  std::vector<std::size_t> order(bodies.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::min(bodies[a], kTeachingBodies) > std::min(bodies[b], kTeachingBodies);
  });
  order.resize(std::min(order.size(), static_cast<std::size_t>(std::max(count, 0))));
  return order;
}

std::vector<VotedRegion> voted_regions(const std::uint8_t* labels, std::int64_t rows, std::int64_t cols) {
  const std::int64_t plane = rows * cols;
  std::vector<VotedRegion> regions;
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(plane));
  std::vector<std::int64_t> stack;
  for (std::int64_t start = 0; start < plane; ++start) {
    if (labels[start] != 1 || seen[static_cast<std::size_t>(start)]) continue;
    VotedRegion region{0, start / cols, start / cols};
    stack.assign(1, start);
    seen[static_cast<std::size_t>(start)] = 1;
    while (!stack.empty()) {
      const std::int64_t i = stack.back();
      stack.pop_back();
      ++region.pixels;
      const std::int64_t r = i / cols, c = i % cols;
      region.top = std::min(region.top, r);
      region.bottom = std::max(region.bottom, r);
      for (const std::int64_t n : {r > 0 ? i - cols : -1, r + 1 < rows ? i + cols : -1, c > 0 ? i - 1 : -1, c + 1 < cols ? i + 1 : -1})
        if (n >= 0 && labels[n] == 1 && !seen[static_cast<std::size_t>(n)]) {
          seen[static_cast<std::size_t>(n)] = 1;
          stack.push_back(n);
        }
    }
    regions.push_back(region);
  }
  return regions;
}

std::int64_t min_body_pixels(const Volume& v) { return static_cast<std::int64_t>(std::ceil(100.0 / (v.spacing_mm[1] * v.spacing_mm[2]))); }

int voted_bodies(const Votes& votes, const Volume& v) {
  const std::int64_t rows = v.shape[1], cols = v.shape[2], body = min_body_pixels(v);
  int best = 0;
  for (std::int64_t s = 0; s < v.shape[0]; ++s) {
    int bodies = 0;
    for (const auto& region : voted_regions(votes.labels.data() + s * rows * cols, rows, cols)) bodies += region.pixels >= body;
    best = std::max(best, bodies);
  }
  return best;
}

}  // namespace ldd::segflow
