// SegFlow's refinement: a small U-Net (Ronneberger et al. 2015, two levels, nearest upsampling) trained
// on the voted labels, ignoring the uncertain band, then applied slice by slice; the binary mask is
// split into 3-D connected components named L1..L5, S1 from the bottom up (S1 is the lowest body;
// the sixth from the bottom is L1; above it T12 = 7, T11 = 8 and so on).
#pragma once
#include <array>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "data/cohort/cohort_file.h"
#include "kernels/optical_flow.h"
#include "nn/layers.h"
#include "nn/random.h"
#include "segflow/vote.h"

namespace ldd::segflow {

class RefinementNet : public Module {
 public:
  RefinementNet(std::int64_t base_channels, Generator& gen);
  // (N, 1, H, W) normalised slices, H and W multiples of 4 -> (N, 1, H, W) logits of "vertebra".
  Tensor forward(const Tensor& x) override;

 private:
  std::shared_ptr<Sequential> enc1_, enc2_, bottom_, dec2_, dec1_;
  std::shared_ptr<Conv2d> head_;
};

struct RefineOptions {
  std::int64_t base_channels = 8;
  int steps = 150;            // Adam steps over random batches of slices
  int batch = 6;
  double learning_rate = 3e-3;
  std::uint64_t seed = 1;
  std::function<void(int step, float loss)> on_step;  // progress reporting, optional
};

// Trains on (volume, votes) pairs; every slice of every volume is a training image.
std::unique_ptr<RefinementNet> train_refinement(const std::vector<const Volume*>& volumes, const std::vector<const Votes*>& votes,
                                                const RefineOptions& options);

// Binary vertebra mask (0/1) of a volume.
std::vector<std::uint8_t> segment(RefinementNet& net, const Volume& volume);

// One slice's logits on the network grid (`grid`, `halvings` times coarser than the slice) at every
// pixel of the slice, interpolated bilinearly: network pixel (R, C) stands for pixel (R, C) * 2^halvings,
// the pixel whose voted label it was trained on and on which the input's halving is centred. (The
// nearest network pixel instead gives 2 mm staircase outlines on 1 mm series.)
std::vector<float> logits_at_pixels(const float* logits, kernels::Plane grid, int halvings, kernels::Plane pixels);

// A body is solid: each slice's holes filled (the network's mask of textured marrow has holes that cost
// it the naming's erosion; filling cannot join two bodies). A single-slice series is closed by 1.5 mm
// first, kept a superset of the mask, which mends the notches that split its bodies; on 3-D series
// closing bridged neighbouring bodies on the lateral slices (docs/decisions.md).
std::vector<std::uint8_t> solid_bodies(std::vector<std::uint8_t> mask, const std::array<std::int64_t, 3>& shape, double pixel_mm);

// Names the vertebrae of a binary mask L1..L5, S1 from the bottom (labels 1-6; T12 = 7, T11 = 8, ...). Seeds are
// the 3-D connected components, on the central third of the slices, of the mask eroded in-plane by
// `erosion_px` (which cuts the thin bridges a network may leave across a disc); a seed more than 2.5
// times taller than deep or taller than `max_seed_rows` (bodies joined across a disc) is eroded further,
// up to 3 x erosion_px, until it splits. Seeds under `min_voxels`, still too tall, or more than 4.5 times
// deeper than tall are dropped; of two seeds closer than 0.55 of the median spacing the smaller goes, and
// a seed at either end of the column more than 2.5 median spacings from the next is dropped. Every
// mask voxel then takes the label of the seed that reaches it first through the mask, within the
// seed's reach: in the sagittal plane, its erosion plus `reach_px` from the seed's outline (-1: anywhere).
std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const std::array<std::int64_t, 3>& shape,
                                         std::int64_t min_voxels, int erosion_px = 0, std::int64_t max_seed_rows = INT64_MAX,
                                         int reach_px = -1);

// name_vertebrae with the settings a volume's spacing implies: seeds eroded by 3 mm, at most 40 mm tall,
// at least 500 mm^3 (40 mm^2 per seeded slice on thick 2-D slices), reaching 3 mm past their erosion.
std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const Volume& volume);

}  // namespace ldd::segflow
