// Rule-based vertebral-body proposals on one sagittal slice, the first stage of SegFlow. On T2 a
// vertebral body is a block of even, intermediate signal, cut off above and below by discs, in front by
// the dark anterior cortex, and behind by the bright CSF of the spinal canal. A proposal keeps the
// connected components of pixels near the volume's body intensity and without a strong edge (the
// cortex and endplates are edges; on real T2 the soft tissue in front of a body is as bright as the
// body itself, so intensity alone joins them) that lie just in front of the canal and have a body's
// size, grown by the cortex's thickness. Several parameter settings give several (sub-optimal)
// proposals whose agreement SegFlow turns into supervision.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/optical_flow.h"

namespace ldd::segflow {

struct ProposalParams {
  double smoothing_mm = 1.0;       // Gaussian blur before thresholding
  double low = 0.75, high = 1.3;   // intensity band, as fractions of the body level at that row
  double max_gradient = 0.05;      // edge barrier: gradient magnitude per mm, as a fraction of the body level
  double opening_mm = 2.0;         // erosion then dilation radius: cuts thin bridges to neighbours
};

// The settings whose votes are combined (3 smoothings x 2 bands x 2 edge barriers x 2 openings).
// Heavier smoothing blurs the dark cortex that separates a body from its neighbours, so the smoothings
// stay at about 1 mm.
std::vector<ProposalParams> proposal_grid();

// Where the spinal canal runs: for each row, the column of its centre, found on the slices within 3 mm
// of the middle one as the smooth path (dynamic programming, at most 2 columns per row, forward moves
// dearer) along pixels that are both a thin bright ridge (CSF) and have a body in front and tissue
// behind them; shared by every slice's proposals. The path may end above the field's lower edge (the
// canal ends in the sacrum): it is carried on along its last direction for 30 mm, and below that a row has
// no canal (-1) and no proposals. With `avoid` (an earlier path, one column per row): the
// best path at least 15 mm from it on every row, searched over 15-85 % of the field, the second hypothesis
// vote() tries when the first one's proposals show no spine.
std::vector<double> find_canal(const std::vector<float>& volume, std::int64_t slices, kernels::Plane p, double pixel_mm,
                               double slice_mm, const std::vector<double>& avoid = {});

// The typical intensity of vertebral bodies at each row: the median of the strip 6-20 mm in front of
// the canal (bodies and discs, mostly bodies) on the central slices, over the rows within 40 mm (rows in
// the top and bottom sixth of the field take the level of the nearest row outside them), kept within
// 0.5-1.5 of the whole strip's median. Per row because coil sensitivity falls along the spine: on
// real series the lowest lumbar body is often a third darker than the others and fell out of a band
// set by one level for the whole volume.
std::vector<float> body_level(const std::vector<float>& volume, std::int64_t slices, kernels::Plane p, double pixel_mm,
                              const std::vector<double>& canal);

// How textured the bodies' marrow is: the median gradient magnitude (per mm, as a fraction of the body
// level) of the pixels in the intensity band 0.75-1.3 of the strip 6-20 mm in front of the canal, on the
// central slice smoothed by 0.8 mm. vote() widens the edge barrier of a slice whose marrow is rougher than
// the series the barrier was set on: on noisy real slices (SPIDER at 0.6 mm, up to 0.13) the fixed
// barrier cut every body into fragments too small to keep.
double marrow_gradient(const std::vector<float>& volume, std::int64_t slices, kernels::Plane p, double pixel_mm,
                       const std::vector<float>& body, const std::vector<double>& canal);

// The slice blurred with a Gaussian of `smoothing_mm`: computed once per smoothing and shared by the
// settings that use it (the grid has 3 smoothings for 24 settings).
std::vector<float> smooth_slice(const float* slice, kernels::Plane p, double pixel_mm, double smoothing_mm);

// Binary (0/1) proposal for one slice, given that slice smoothed with params.smoothing_mm.
std::vector<std::uint8_t> propose(const std::vector<float>& smoothed, kernels::Plane p, double pixel_mm, const std::vector<float>& body,
                                  const std::vector<double>& canal, const ProposalParams& params);

}  // namespace ldd::segflow
