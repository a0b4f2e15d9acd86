// The baseline image's signs of progression risk (data/synth/README.md, "Signs of risk"). Each disc has one
// standard normal latent per sign, correlated with the disc's hidden propensity at `propensity_visibility`;
// the renderer draws the sign's *amount*: the latent clipped to the range the sign can take (a Modic change
// or a high-intensity zone is absent below its onset), times its amplitude. The amounts are what a
// perfect reader of the baseline image could know (the image oracle's features), stored under truth/.
#pragma once
#include <algorithm>
#include <array>

namespace ldd::synth {

enum class RiskSign { NucleusSignalLoss, AnnulusSignal, HeightLoss, ModicChange, HighIntensityZone, PosteriorBulge };
inline constexpr int kRiskSigns = 6;
inline constexpr const char* kRiskSignNames[kRiskSigns] = {"nucleus_signal_loss", "annulus_signal",       "height_loss",
                                                           "modic_change",        "high_intensity_zone", "posterior_bulge"};

// How strongly each sign is drawn per unit of its amount; 0 leaves the sign out of the image.
struct RiskSignAmplitudes {
  double nucleus_signal_loss = 0.10;  // fraction of the grade's nucleus signal lost
  double annulus_signal = 0.25;       // fraction of annulus signal gained (less nucleus/annulus contrast)
  double height_loss = 0.0;           // fraction of the grade's disc height lost (off: data/synth/README.md)
  double modic_change = 0.25;         // fraction of marrow signal gained in the 4 mm next to both endplates
  double high_intensity_zone = 200;   // T2 intensity added to the posterior annulus (0-1000 scale)
  double posterior_bulge_mm = 0.8;    // mm the posterior contour moves into the canal

  std::array<double, kRiskSigns> as_array() const {
    return {nucleus_signal_loss, annulus_signal, height_loss, modic_change, high_intensity_zone, posterior_bulge_mm};
  }
};

// A sign's latent value -> its amount (before the amplitude): the three graded signs are linear within
// +-2.5 sd; a Modic change starts 0.5 sd above the mean, a high-intensity zone and a bulge at the mean.
inline double sign_amount(RiskSign sign, double latent) {
  switch (sign) {
    case RiskSign::ModicChange: return std::clamp(latent - 0.5, 0.0, 2.0);
    case RiskSign::HighIntensityZone:
    case RiskSign::PosteriorBulge: return std::clamp(latent, 0.0, 2.5);
    default: return std::clamp(latent, -2.5, 2.5);
  }
}

using RiskSignAmounts = std::array<float, kRiskSigns>;  // one disc's amounts, 0 for a sign not drawn

}  // namespace ldd::synth
