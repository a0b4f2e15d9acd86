// SegFlow's refinement: a small U-Net (Ronneberger et al. 2015, two levels, nearest upsampling) trained
// on the voted labels, ignoring the uncertain band, then applied slice by slice, giving the binary
// vertebra mask that segflow/naming.h splits into named bodies.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/hdf5/file.h"
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

  // The network grids (mm per pixel) of the slices it learnt from, finest and coarsest: the scales at
  // which it may be asked to read (0, 0: not known, a network kept before 2026-12-08).
  std::array<double, 2> learnt_grids_mm{0, 0};

 private:
  std::shared_ptr<Sequential> enc1_, enc2_, bottom_, dec2_, dec1_;
  std::shared_ptr<Conv2d> head_;
};

struct RefineOptions {
  std::int64_t base_channels = 8;
  int steps = 300;            // Adam steps over random batches of slices (the default of `segflow` and experiments)
  int batch = 6;
  double learning_rate = 3e-3;
  std::uint64_t seed = 1;
  std::function<void(int step, float loss)> on_step;  // progress reporting, optional
};

// Trains on (volume, votes) pairs; every slice of every volume is a training image.
std::unique_ptr<RefinementNet> train_refinement(const std::vector<const Volume*>& volumes, const std::vector<const Votes*>& votes,
                                                const RefineOptions& options);

// The trained network kept in a cohort file (group /segflow_refinement: attribute base_channels and one
// dataset per parameter), so that another cohort can be segmented by it (`predict` on a new cohort of
// few volumes, whose own votes would train a weaker one). load_refinement throws naming the file when
// the group is absent or a parameter does not fit.
void store_refinement(hdf5::File& file, const RefinementNet& net, std::int64_t base_channels);
bool has_stored_refinement(const std::filesystem::path& cohort);
std::unique_ptr<RefinementNet> load_refinement(const std::filesystem::path& cohort);

// Binary vertebra mask (0/1) of a volume, seen on its own network grid (1.2-2.4 mm per pixel, by halving).
std::vector<std::uint8_t> segment(RefinementNet& net, const Volume& volume);
// That grid's pixel size in mm (the row spacing times 2 per halving).
double own_grid_mm(const Volume& volume);
// The same seen on a network grid of `grid_mm` per pixel (1.2 to 2.4): the slices resampled in-plane
// (bilinear) to half that and halved once; the mask comes back at every pixel of the volume (nearest).
std::vector<std::uint8_t> segment_at(RefinementNet& net, const Volume& volume, double grid_mm);

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

}  // namespace ldd::segflow
