// Binary morphology on one slice (masks of 0/1 bytes, row-major), shared by the proposals and the
// refined mask's clean-up.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/optical_flow.h"

namespace ldd::segflow {

// Erosion (erode = true) or dilation with a disc of `radius` pixels; outside the slice counts as 0.
std::vector<std::uint8_t> morph(const std::vector<std::uint8_t>& in, kernels::Plane p, int radius, bool erode);

// The mask with every background region that does not reach the slice's border set to 1.
std::vector<std::uint8_t> fill_holes(const std::vector<std::uint8_t>& in, kernels::Plane p);

}  // namespace ldd::segflow
