// Renders a synthetic subject's sagittal T2 volumes at both visits, with ground-truth vertebra masks.
// Discs show their grades: Pfirrmann sets nucleus signal and disc height, Schneiderman adds signal loss
// and heterogeneity, bulging pushes the posterior contour into the canal. Six signs of risk (risk_signs.h:
// nucleus signal and height below the grade's, a brighter annulus, Modic change, a high-intensity zone, a
// posterior bulge) show the part of the hidden propensity the baseline image can reveal.
// The follow-up visit is the same anatomy with follow-up grades, repositioned (shift, rotation, lateral
// offset). Every voxel comes from a generator seeded by (cohort seed, subject index): rendering subjects
// in any order or on any number of threads gives the same bytes.
#pragma once
#include <cstdint>
#include <vector>

#include "data/synth/config.h"
#include "data/synth/population.h"

namespace ldd::synth {

// Mask labels: 0 background (the sacrum below S1 too), 1-6 the vertebral bodies L1, L2, L3, L4, L5, S1,
// 7 another vertebra (T12).
inline constexpr std::uint8_t kOtherVertebraLabel = 7;

struct RenderedVisit {
  std::vector<std::uint16_t> image;         // (slices, rows, cols), T2 intensity
  std::vector<std::uint8_t> vertebra_mask;  // same shape
  std::vector<std::uint8_t> sacrum_mask;    // 1 on the sacrum below S1, bone the vertebra mask leaves out
  // True centre of each disc L1-L2 .. L5-S1 on the mid-sagittal plane, as (row, col) in pixels:
  // halfway between the endplates, on the spine's axis. Evaluation only.
  std::array<std::array<double, 2>, kLevels> disc_centres{};
};

struct RenderedSubject {
  std::array<RenderedVisit, 2> visits;  // baseline, follow-up
};

RenderedSubject render_subject(const SynthConfig& config, const SyntheticSubject& subject, std::int64_t subject_index);

}  // namespace ldd::synth
