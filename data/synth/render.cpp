#include "data/synth/render.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "data/synth/anatomy.h"

namespace ldd::synth {
namespace {

// Fast Gaussian noise: a fixed table of standard normals indexed by a xorshift stream. Image noise needs
// speed and reproducibility, not a perfect tail.
class NoiseStream {
 public:
  explicit NoiseStream(std::uint64_t seed) : state_(seed | 1) {}
  float next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return table()[(state_ * 0x2545F4914F6CDD1Dull) >> 48];
  }

 private:
  static const std::vector<float>& table() {
    static const std::vector<float> t = [] {
      Generator g(0x5eed);
      std::vector<float> v(65536);
      for (auto& x : v) x = static_cast<float>(g.normal());
      return v;
    }();
    return t;
  }
  std::uint64_t state_;
};

constexpr double kModicBandMm = 4.0;  // marrow next to an endplate that a Modic change alters

struct Pose {
  double shift_y = 0, shift_z = 0, angle = 0, shift_x = 0;
};

struct Frame {  // maps image millimetres to anatomy millimetres
  double centre_y, centre_z, cos_a, sin_a;
  Pose pose;
  void world(double iy, double iz, double& y, double& z) const {
    const double dy = iy - centre_y - pose.shift_y, dz = iz - centre_z - pose.shift_z;
    y = centre_y + cos_a * dy + sin_a * dz;
    z = centre_z - sin_a * dy + cos_a * dz;
  }
  void image(double y, double z, double& iy, double& iz) const {  // the inverse of world()
    const double dy = y - centre_y, dz = z - centre_z;
    iy = centre_y + pose.shift_y + cos_a * dy - sin_a * dz;
    iz = centre_z + pose.shift_z + sin_a * dy + cos_a * dz;
  }
};

struct Tissue {
  double disc_height[kLevels];
  double nucleus[kLevels];        // nucleus signal
  double annulus[kLevels];        // annulus signal
  double heterogeneity[kLevels];  // Schneiderman: patchy signal loss
  double bulge[kLevels];          // mm into the canal
  double modic[kLevels];          // relative marrow signal gain next to the disc's endplates
  double hiz[kLevels];            // high-intensity-zone brightness
};

// What the grades draw, then what the signs of risk add (risk_signs.h; their amounts are per level).
Tissue tissue_for(const SubjectRecord& r, Visit visit, const std::array<RiskSignAmounts, kLevels>& signs,
                  const RiskSignAmplitudes& amplitudes) {
  static constexpr double kHeight[5] = {1.0, 1.0, 0.9, 0.72, 0.5};          // Pfirrmann 1-5
  static constexpr double kNucleus[5] = {950.0, 820.0, 560.0, 330.0, 210.0};  // Pfirrmann 1-5
  Tissue t{};
  for (int l = 0; l < kLevels; ++l) {
    const int pf = std::clamp(r.grade(visit, Pathology::Pfirrmann, l), 1, 5);
    const int sc = std::clamp(r.grade(visit, Pathology::Schneiderman, l), 0, 3);
    const int bu = std::clamp(r.grade(visit, Pathology::Bulging, l), 0, 3);
    const auto& a = signs[static_cast<std::size_t>(l)];
    auto amount = [&](RiskSign s) { return static_cast<double>(a[static_cast<std::size_t>(s)]); };
    t.disc_height[l] = kHeight[pf - 1] * (1.0 - amplitudes.height_loss * amount(RiskSign::HeightLoss));
    t.nucleus[l] = kNucleus[pf - 1] * (1.0 - 0.12 * sc) * (1.0 - amplitudes.nucleus_signal_loss * amount(RiskSign::NucleusSignalLoss));
    t.annulus[l] = 190.0 * (1.0 + amplitudes.annulus_signal * amount(RiskSign::AnnulusSignal));
    t.heterogeneity[l] = 0.12 * sc;
    t.bulge[l] = 1.6 * bu + amplitudes.posterior_bulge_mm * amount(RiskSign::PosteriorBulge);
    t.modic[l] = amplitudes.modic_change * amount(RiskSign::ModicChange);
    t.hiz[l] = amplitudes.high_intensity_zone * amount(RiskSign::HighIntensityZone);
  }
  return t;
}

// Antero-posterior centre and depth of the spine at height y, interpolated between the centres of the
// vertebrae and of the sacrum's segments below them.
void curve_at(const Anatomy& a, double y, double& centre_z, double& depth) {
  std::array<const Vertebra*, kVertebrae + kSacralSegments> column{};
  for (int i = 0; i < kVertebrae; ++i) column[static_cast<std::size_t>(i)] = &a.vertebrae[static_cast<std::size_t>(i)];
  for (int i = 0; i < kSacralSegments; ++i) column[static_cast<std::size_t>(kVertebrae + i)] = &a.sacrum[static_cast<std::size_t>(i)];
  if (y <= column.front()->centre_y) {
    centre_z = column.front()->centre_z;
    depth = column.front()->depth;
    return;
  }
  for (std::size_t i = 0; i + 1 < column.size(); ++i) {
    if (y <= column[i + 1]->centre_y) {
      const auto& p = *column[i];
      const auto& q = *column[i + 1];
      const double t = (y - p.centre_y) / (q.centre_y - p.centre_y);
      centre_z = p.centre_z + t * (q.centre_z - p.centre_z);
      depth = p.depth + t * (q.depth - p.depth);
      return;
    }
  }
  centre_z = column.back()->centre_z;
  depth = column.back()->depth;
}

// Where each disc's centre lies in the image: halfway along the gap below body L1 + level (pixels).
void place_disc_centres(const Anatomy& a, const Tissue& t, const Frame& frame, double pixel_mm, RenderedVisit& out) {
  for (int level = 0; level < kLevels; ++level) {
    const Vertebra& b = a.vertebrae[static_cast<std::size_t>(level + 1)];
    const double gap = level == kLevels - 1 ? l5_s1_gap(a, 0.0) : a.healthy_disc_height[static_cast<std::size_t>(level + 1)] * t.disc_height[level];
    const double along = b.height / 2 + gap / 2;
    double iy, iz;
    frame.image(b.centre_y + std::cos(b.angle) * along, b.centre_z + std::sin(b.angle) * along, iy, iz);
    out.disc_centres[static_cast<std::size_t>(level)] = {iy / pixel_mm - 0.5, iz / pixel_mm - 0.5};
  }
}

// What a visit's anatomy holds, fixed for every pixel.
struct Scene {
  const Anatomy& a;
  const Tissue& t;
  std::array<double, kVertebrae> cos_angle{}, sin_angle{};
  double skin_z = 0;
};

// One point's signal before the scanner, and what it is.
struct Point {
  double v = 0;
  std::uint8_t label = 0;   // vertebra label (vertebra_mask)
  bool sacrum = false;      // bone of the sacrum (sacrum_mask)
};

// Soft tissue by depth (abdomen in front, psoas and muscles behind, fat under the skin, then air), the
// spinal canal's CSF behind the bodies, and the posterior elements behind it.
double soft_tissue_and_canal(const Scene& sc, double x, double y, double z) {
  const Anatomy& a = sc.a;
  double centre_z, depth;
  curve_at(a, y, centre_z, depth);
  const double front = centre_z - depth / 2, back = centre_z + depth / 2;
  double v;
  if (z > sc.skin_z) v = 0.0;
  else if (z > sc.skin_z - 10.0) v = a.fat_intensity;
  else if (z < front - 3.0) v = 420.0 + 60.0 * std::sin(0.09 * y + a.texture_phase[0]) * std::sin(0.07 * z + a.texture_phase[1]);
  else v = a.muscle_intensity;
  const double canal_front = back + 1.5, canal_back = canal_front + a.canal_depth;
  const bool canal_ends = y > a.sacrum.back().centre_y;  // the sacral hiatus
  if (std::abs(x) < a.canal_half_width && z > canal_front && z < canal_back && !canal_ends) v = 980.0;
  if (z >= canal_back && z < canal_back + 28.0 && std::abs(x) < 14.0) {
    const double phase = std::fmod(y + 400.0, 33.0);  // spinous processes and laminae, one per level
    if (phase < 20.0) v = 0.85 * a.marrow_intensity;
  }
  return v;
}

// The disc below body i at (u, w) in that body's tilted frame, if the point lies in it. Levels L1-L2 ..
// L5-S1 follow bodies L1 .. L5 and show their grades; T12-L1, below body 0, is not graded and is drawn
// healthy (Pfirrmann 2-like).
void draw_disc_below(const Scene& sc, int i, double x, double u, double w, double lateral, double half_depth, Point& p) {
  const Anatomy& a = sc.a;
  const Tissue& t = sc.t;
  const Vertebra& b = a.vertebrae[static_cast<std::size_t>(i)];
  const bool graded = i >= 1;
  const auto level = static_cast<std::size_t>(graded ? i - 1 : 0);
  const double nucleus = graded ? t.nucleus[level] : 820.0;
  const double heterogeneity = graded ? t.heterogeneity[level] : 0.0;
  const double gap = i == kLevels ? l5_s1_gap(a, w)  // L5-S1: the wedge above the sacrum
                                  : a.healthy_disc_height[static_cast<std::size_t>(i)] * (graded ? t.disc_height[level] : 1.0);
  const double du = u - b.height / 2;  // 0 at the lower endplate
  if (!(du > 0 && du < gap)) return;
  const double m = 2.0 * du / gap - 1.0;  // -1..1 across the disc
  const double bulge = (graded ? t.bulge[level] : 0.0) * (1.0 - m * m) * std::sqrt(1.0 - lateral * lateral);
  if (!(w > -half_depth && w < half_depth + bulge)) return;
  const double nu = (du - gap / 2) / (0.36 * gap), nv = (w - 0.08 * b.depth) / (0.3 * b.depth);
  double d = graded ? t.annulus[level] : 190.0;
  if (nu * nu + nv * nv < 1.0) {
    const double patch = std::sin(0.9 * w + 3.1 * du + a.texture_phase[2]) * std::sin(0.6 * x + a.texture_phase[3]);
    d = nucleus * (1.0 - heterogeneity * (1.0 + patch));
  }
  const double hv = (w - 0.4 * b.depth) / 2.5, hu = (du - gap / 2) / (0.2 * gap);
  if (graded && hv * hv + hu * hu < 1.0) d += t.hiz[level];  // posterior high-intensity zone
  p.v = d;
}

// Discs and vertebral bodies, each in its body's tilted frame.
void draw_column(const Scene& sc, double x, double y, double z, Point& p) {
  const Anatomy& a = sc.a;
  for (int i = 0; i < kVertebrae; ++i) {
    const Vertebra& b = a.vertebrae[static_cast<std::size_t>(i)];
    if (std::abs(y - b.centre_y) > b.height / 2 + 25.0) continue;  // neither this body nor the disc below
    const double ca = sc.cos_angle[static_cast<std::size_t>(i)], sa = sc.sin_angle[static_cast<std::size_t>(i)];
    const double u = ca * (y - b.centre_y) + sa * (z - b.centre_z);    // along the spine
    const double w = -sa * (y - b.centre_y) + ca * (z - b.centre_z);   // antero-posterior
    const double lateral = std::abs(x) / b.half_width;
    if (lateral >= 1.0) continue;
    const double half_depth = b.depth / 2 * std::sqrt(1.0 - lateral * lateral);
    if (i <= kLevels) draw_disc_below(sc, i, x, u, w, lateral, half_depth, p);
    if (const double wall = w - b.lean * u; std::abs(u) < b.height / 2 && std::abs(wall) < half_depth) {
      const double edge = std::min(b.height / 2 - std::abs(u), half_depth - std::abs(wall));
      const double texture = 1.0 + 0.08 * std::sin(0.5 * u + a.texture_phase[2]) * std::sin(0.45 * w + a.texture_phase[3]);
      // A Modic change of the disc below (level i - 1) or above (level i - 2) brightens the marrow
      // within 4 mm of the endplate it shares with that disc.
      double modic = 0.0;
      if (i >= 1 && i - 1 < kLevels && b.height / 2 - u < kModicBandMm) modic = sc.t.modic[i - 1];
      if (i >= 2 && i - 2 < kLevels && u + b.height / 2 < kModicBandMm) modic = std::max(modic, sc.t.modic[i - 2]);
      p.v = edge < 1.5 ? 160.0 : a.marrow_intensity * texture * (1.0 + modic);
      p.label = i == 0 ? kOtherVertebraLabel : static_cast<std::uint8_t>(i);
    }
  }
}

// The sacrum below S1: bone like the bodies', each segment above a dim fused remnant of a disc.
void draw_sacrum(const Scene& sc, double x, double y, double z, Point& p) {
  const Anatomy& a = sc.a;
  for (const Vertebra& b : a.sacrum) {
    const double ca = std::cos(b.angle), sa = std::sin(b.angle);
    const double u = ca * (y - b.centre_y) + sa * (z - b.centre_z), w = -sa * (y - b.centre_y) + ca * (z - b.centre_z);
    const double lateral = std::abs(x) / b.half_width;
    if (lateral >= 1.0 || std::abs(w) >= b.depth / 2 * std::sqrt(1.0 - lateral * lateral)) continue;
    const double half_depth = b.depth / 2 * std::sqrt(1.0 - lateral * lateral);
    if (std::abs(u) < b.height / 2) {
      p.sacrum = true;
      const double edge = std::min(b.height / 2 - std::abs(u), half_depth - std::abs(w));
      p.v = edge < 1.5 ? 160.0 : a.marrow_intensity * (1.0 + 0.08 * std::sin(0.5 * u + a.texture_phase[2]) * std::sin(0.45 * w + a.texture_phase[3]));
    } else if (const double fused = 1.5 + (b.depth / 2 - w) * std::tan(a.sacral_curve); u < -b.height / 2 && u > -b.height / 2 - fused) {
      // the wedge between this segment and the one above, bone but for the remnant of the disc
      p.v = u > -b.height / 2 - 1.5 ? 0.6 * a.marrow_intensity : a.marrow_intensity;
      p.sacrum = true;
    }
  }
}

// Scanner: institution gain, a smooth coil-sensitivity field, then Rician noise (magnitude images).
struct Scanner {
  double gain, bias_a, bias_b, noise_sd;
  NoiseStream& noise;
  void acquire(const Imaging& im, const std::vector<float>& value, std::uint16_t* image) const {
    for (std::int64_t r = 0; r < im.rows; ++r) {
      const double ry = 2.0 * static_cast<double>(r) / static_cast<double>(im.rows) - 1.0;
      for (std::int64_t c = 0; c < im.cols; ++c) {
        const double rz = 2.0 * static_cast<double>(c) / static_cast<double>(im.cols) - 1.0;
        const double signal = value[static_cast<std::size_t>(r * im.cols + c)] * gain * (1.0 + bias_a * ry + bias_b * rz * ry);
        const double re = signal + noise_sd * noise.next(), imag = noise_sd * noise.next();
        image[r * im.cols + c] = static_cast<std::uint16_t>(std::clamp(std::sqrt(re * re + imag * imag), 0.0, 65535.0));
      }
    }
  }
};

void render_visit(const SynthConfig& config, const Anatomy& base, const SyntheticSubject& subject, Visit visit,
                  const Pose& pose, std::uint64_t noise_seed, RenderedVisit& out) {
  const Imaging& im = config.imaging;
  const Tissue t = tissue_for(subject.record, visit, subject.risk_signs, config.risk_signs);
  std::array<double, kLevels> factors{};
  for (int l = 0; l < kLevels; ++l) factors[static_cast<std::size_t>(l)] = t.disc_height[l];
  const double field_h = static_cast<double>(im.rows) * im.pixel_mm, field_w = static_cast<double>(im.cols) * im.pixel_mm;
  const Anatomy a = place_vertebrae(base, factors, 0.06 * field_h);
  const Frame frame{field_h / 2, field_w / 2, std::cos(pose.angle), std::sin(pose.angle), pose};
  place_disc_centres(a, t, frame, im.pixel_mm, out);
  NoiseStream noise(noise_seed);
  Generator bias_gen(noise_seed ^ 0xb1a5);
  const double bias_a = config.imaging.bias_field * (2 * bias_gen.uniform() - 1);
  const double bias_b = config.imaging.bias_field * (2 * bias_gen.uniform() - 1);
  const Scanner scanner{config.demographics.institution_intensity[static_cast<std::size_t>(subject.record.institution)], bias_a, bias_b,
                        im.noise_sd, noise};
  Scene scene{a, t, {}, {}, std::min(field_w - 4.0, 190.0)};
  for (int i = 0; i < kVertebrae; ++i) {
    scene.cos_angle[static_cast<std::size_t>(i)] = std::cos(a.vertebrae[static_cast<std::size_t>(i)].angle);
    scene.sin_angle[static_cast<std::size_t>(i)] = std::sin(a.vertebrae[static_cast<std::size_t>(i)].angle);
  }
  const std::int64_t plane = im.rows * im.cols;
  out.image.assign(static_cast<std::size_t>(im.slices * plane), 0);
  out.vertebra_mask.assign(static_cast<std::size_t>(im.slices * plane), 0);
  out.sacrum_mask.assign(static_cast<std::size_t>(im.slices * plane), 0);
  std::vector<float> value(static_cast<std::size_t>(plane));
  for (std::int64_t s = 0; s < im.slices; ++s) {
    const double x = (static_cast<double>(s) - static_cast<double>(im.slices - 1) / 2.0) *
                         (im.slice_thickness_mm + im.slice_gap_mm) + pose.shift_x;
    for (std::int64_t r = 0; r < im.rows; ++r)
      for (std::int64_t c = 0; c < im.cols; ++c) {
        double y, z;
        frame.world((static_cast<double>(r) + 0.5) * im.pixel_mm, (static_cast<double>(c) + 0.5) * im.pixel_mm, y, z);
        Point p{soft_tissue_and_canal(scene, x, y, z)};
        draw_column(scene, x, y, z, p);
        draw_sacrum(scene, x, y, z, p);
        const auto at = static_cast<std::size_t>(s * plane + r * im.cols + c);
        value[static_cast<std::size_t>(r * im.cols + c)] = static_cast<float>(p.v);
        out.vertebra_mask[at] = p.label;
        if (p.sacrum) out.sacrum_mask[at] = 1;
      }
    scanner.acquire(im, value, out.image.data() + s * plane);
  }
}

}  // namespace

RenderedSubject render_subject(const SynthConfig& config, const SyntheticSubject& subject, std::int64_t subject_index) {
  Generator gen(config.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(subject_index) + 1);
  const Anatomy anatomy = draw_anatomy(gen);
  const Imaging& im = config.imaging;
  const Pose baseline{};
  const Pose follow_up{im.max_shift_mm * (2 * gen.uniform() - 1), im.max_shift_mm * (2 * gen.uniform() - 1),
                       im.max_rotation_deg * std::numbers::pi / 180.0 * (2 * gen.uniform() - 1),
                       im.max_slice_shift_mm * (2 * gen.uniform() - 1)};
  RenderedSubject out;
  render_visit(config, anatomy, subject, Visit::Baseline, baseline, gen.next_u64(), out.visits[0]);
  render_visit(config, anatomy, subject, Visit::FollowUp, follow_up, gen.next_u64(), out.visits[1]);
  return out;
}

}  // namespace ldd::synth
