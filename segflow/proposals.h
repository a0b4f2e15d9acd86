// Rule-based vertebral-body proposals on one sagittal slice, the first stage of SegFlow. On T2 a
// vertebral body is a block of intermediate signal, cut off above and below by discs, in front by
// the dark anterior cortex, and behind by the bright CSF of the spinal canal. A proposal keeps
// connected components of an intermediate-intensity band that lie just in front of the canal and have
// a body's size, grown by the cortex's thickness; several parameter settings give several (sub-optimal) proposals whose agreement
// SegFlow turns into supervision.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/optical_flow.h"

namespace ldd::segflow {

struct ProposalParams {
  double smoothing_mm = 1.0;   // Gaussian blur before thresholding
  double low = 0.25, high = 0.62;  // intensity band, as fractions of the volume's 99th percentile
  double opening_mm = 2.0;     // erosion then dilation radius: cuts thin bridges to neighbours
};

// The settings whose votes are combined (3 smoothings x 2 bands x 2 openings). Heavier smoothing blurs
// the dark cortex that separates a body from its neighbours, so the smoothings stay at about 1 mm.
std::vector<ProposalParams> proposal_grid();

// Where the spinal canal runs: for each row, the column of its centre (or -1 where none was found),
// found on the central slices as the bright CSF band; shared by every slice's proposals.
std::vector<double> find_canal(const std::vector<float>& volume, std::int64_t slices, kernels::Plane p, double pixel_mm,
                               float scale);

// Robust intensity scale of a volume: its 99th percentile.
float intensity_scale(const std::vector<float>& volume);

// The scale the proposals' intensity bands are fractions of: the median of the strip 6-20 mm in front of
// the canal on the central slices (bodies and discs, mostly bodies) divided by 0.42, the share of the
// 99th percentile that strip has on the synthetic series the bands were tuned on. On series whose 99th
// percentile sits elsewhere relative to the bodies (SPIDER's 8-bit slices, contrast-stretched per slice,
// put it at 0.37-0.63) the bands then still frame the bodies. `scale` when no canal row was found.
float band_scale(const std::vector<float>& volume, std::int64_t slices, kernels::Plane p, double pixel_mm,
                 const std::vector<double>& canal, float scale);

// The slice blurred with a Gaussian of `smoothing_mm`: computed once per smoothing and shared by the
// settings that use it (the grid has 3 smoothings for 18 settings).
std::vector<float> smooth_slice(const float* slice, kernels::Plane p, double pixel_mm, double smoothing_mm);

// Binary (0/1) proposal for one slice, given that slice smoothed with params.smoothing_mm.
std::vector<std::uint8_t> propose(const std::vector<float>& smoothed, kernels::Plane p, double pixel_mm, float scale,
                                  const std::vector<double>& canal, const ProposalParams& params);

}  // namespace ldd::segflow
