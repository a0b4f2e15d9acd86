#include "segflow/vote.h"

#include <map>

#include "kernels/check.h"
#include "segflow/optical_flow.h"
#include "segflow/proposals.h"

namespace ldd::segflow {

Votes vote(const Volume& v, const VoteOptions& o) {
  const std::int64_t slices = v.shape[0];
  const kernels::Plane p{v.shape[1], v.shape[2]};
  LDD_CHECK(std::abs(v.spacing_mm[1] - v.spacing_mm[2]) < 1e-3 * v.spacing_mm[1],
            "SegFlow needs square pixels, got " << v.spacing_mm[1] << " x " << v.spacing_mm[2] << " mm");
  const double pixel_mm = v.spacing_mm[1];
  const std::vector<float> volume = v.intensities();
  const auto canal = find_canal(volume, slices, p, pixel_mm, v.spacing_mm[0]);
  const auto body = body_level(volume, slices, p, pixel_mm, canal);
  const auto grid = proposal_grid();
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
  Votes out;
  out.fraction.assign(volume.size(), 0.0f);
  out.labels.assign(volume.size(), kIgnore);
  for (std::int64_t s = 0; s < slices; ++s) {
    std::vector<float> total(own.begin() + s * p.size(), own.begin() + (s + 1) * p.size());
    double weight = 1.0;
    const Tensor here = Tensor::from_vector({p.rows, p.cols}, std::span<const float>(volume.data() + s * p.size(), static_cast<std::size_t>(p.size())));
    if (o.use_flow)
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

}  // namespace ldd::segflow
