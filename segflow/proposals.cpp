#include "segflow/proposals.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace ldd::segflow {
namespace {

using kernels::Plane;

std::vector<float> gaussian_blur(const float* image, Plane p, double sigma_px) {
  const int radius = std::max(1, static_cast<int>(std::ceil(2.5 * sigma_px)));
  std::vector<float> kernel(static_cast<std::size_t>(2 * radius + 1));
  float sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += kernel[static_cast<std::size_t>(i + radius)] = static_cast<float>(std::exp(-0.5 * i * i / (sigma_px * sigma_px)));
  for (auto& k : kernel) k /= sum;
  std::vector<float> tmp(static_cast<std::size_t>(p.size())), out(tmp.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      float s = 0;
      for (int i = -radius; i <= radius; ++i)
        s += kernel[static_cast<std::size_t>(i + radius)] * image[r * p.cols + std::clamp<std::int64_t>(c + i, 0, p.cols - 1)];
      tmp[static_cast<std::size_t>(r * p.cols + c)] = s;
    }
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      float s = 0;
      for (int i = -radius; i <= radius; ++i)
        s += kernel[static_cast<std::size_t>(i + radius)] * tmp[static_cast<std::size_t>(std::clamp<std::int64_t>(r + i, 0, p.rows - 1) * p.cols + c)];
      out[static_cast<std::size_t>(r * p.cols + c)] = s;
    }
  return out;
}

// Binary erosion (erode = true) or dilation with a disc of `radius` pixels.
std::vector<std::uint8_t> morph(const std::vector<std::uint8_t>& in, Plane p, int radius, bool erode) {
  std::vector<std::uint8_t> out(in.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      bool any = false, all = true;
      for (int dr = -radius; dr <= radius && (erode ? all : !any); ++dr)
        for (int dc = -radius; dc <= radius; ++dc) {
          if (dr * dr + dc * dc > radius * radius) continue;
          const std::int64_t rr = r + dr, cc = c + dc;
          const bool v = rr >= 0 && rr < p.rows && cc >= 0 && cc < p.cols && in[static_cast<std::size_t>(rr * p.cols + cc)];
          any = any || v;
          all = all && v;
        }
      out[static_cast<std::size_t>(r * p.cols + c)] = erode ? all : any;
    }
  return out;
}

}  // namespace

std::vector<ProposalParams> proposal_grid() {
  std::vector<ProposalParams> grid;
  for (double smoothing : {0.5, 0.8, 1.1})
    for (auto [low, high] : {std::pair{0.25, 0.62}, std::pair{0.34, 0.62}, std::pair{0.37, 0.7}})
      for (double opening : {1.5, 2.5}) grid.push_back({smoothing, low, high, opening});
  return grid;
}

float intensity_scale(const std::vector<float>& volume) {
  std::vector<float> sorted = volume;
  const auto k = static_cast<std::size_t>(0.99 * static_cast<double>(sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(k), sorted.end());
  return std::max(sorted[k], 1e-6f);
}

std::vector<double> find_canal(const std::vector<float>& volume, std::int64_t slices, Plane p, double pixel_mm, float scale) {
  // Mean over the central third of the slices, blurred; per row the brightest column counts as canal
  // when it is bright (CSF) and lies between 30 % and 70 % of the field from the front: lumbar series are
  // centred on the spine, and outside that band lie the bright abdomen and the posterior subcutaneous
  // fat, which T2 TSE shows as bright as CSF (seen on lumbar-vb-t2).
  std::vector<float> mean(static_cast<std::size_t>(p.size()), 0.0f);
  const std::int64_t first = slices / 3, last = std::max(first + 1, slices - slices / 3);
  for (std::int64_t s = first; s < last; ++s)
    for (std::int64_t i = 0; i < p.size(); ++i) mean[static_cast<std::size_t>(i)] += volume[static_cast<std::size_t>(s * p.size() + i)] / static_cast<float>(last - first);
  const auto blurred = gaussian_blur(mean.data(), p, 1.5 / pixel_mm);
  std::vector<double> canal(static_cast<std::size_t>(p.rows), -1.0);
  for (std::int64_t r = 0; r < p.rows; ++r) {
    std::int64_t best = -1;
    for (std::int64_t c = p.cols * 3 / 10; c < p.cols * 7 / 10; ++c)
      if (best < 0 || blurred[static_cast<std::size_t>(r * p.cols + c)] > blurred[static_cast<std::size_t>(r * p.cols + best)]) best = c;
    if (best >= 0 && blurred[static_cast<std::size_t>(r * p.cols + best)] > 0.75f * scale) canal[static_cast<std::size_t>(r)] = static_cast<double>(best);
  }
  // Fill gaps by the nearest found row: the canal is continuous.
  for (std::int64_t r = 0; r < p.rows; ++r) {
    if (canal[static_cast<std::size_t>(r)] >= 0) continue;
    for (std::int64_t d = 1; d < p.rows; ++d) {
      if (r - d >= 0 && canal[static_cast<std::size_t>(r - d)] >= 0) { canal[static_cast<std::size_t>(r)] = canal[static_cast<std::size_t>(r - d)]; break; }
      if (r + d < p.rows && canal[static_cast<std::size_t>(r + d)] >= 0) { canal[static_cast<std::size_t>(r)] = canal[static_cast<std::size_t>(r + d)]; break; }
    }
  }
  return canal;
}

float band_scale(const std::vector<float>& volume, std::int64_t slices, Plane p, double pixel_mm, const std::vector<double>& canal,
                 float scale) {
  constexpr double kBodyShareOfScale = 0.42;
  std::vector<float> strip;
  const std::int64_t first = slices / 3, last = std::max(first + 1, slices - slices / 3);
  for (std::int64_t s = first; s < last; ++s)
    for (std::int64_t r = 0; r < p.rows; ++r) {
      const double k = canal[static_cast<std::size_t>(r)];
      if (k < 0) continue;
      const auto c0 = std::max<std::int64_t>(0, std::lround(k - 20.0 / pixel_mm)), c1 = std::max<std::int64_t>(0, std::lround(k - 6.0 / pixel_mm));
      for (std::int64_t c = c0; c < c1; ++c) strip.push_back(volume[static_cast<std::size_t>(s * p.size() + r * p.cols + c)]);
    }
  if (strip.empty()) return scale;
  std::nth_element(strip.begin(), strip.begin() + static_cast<long>(strip.size() / 2), strip.end());
  return std::max(static_cast<float>(strip[strip.size() / 2] / kBodyShareOfScale), 1e-6f);
}

std::vector<float> smooth_slice(const float* slice, Plane p, double pixel_mm, double smoothing_mm) {
  return gaussian_blur(slice, p, smoothing_mm / pixel_mm);
}

std::vector<std::uint8_t> propose(const std::vector<float>& smooth, Plane p, double pixel_mm, float scale,
                                  const std::vector<double>& canal, const ProposalParams& params) {
  std::vector<std::uint8_t> band(smooth.size());
  for (std::size_t i = 0; i < band.size(); ++i) {
    const float v = smooth[i] / scale;
    band[i] = v >= params.low && v <= params.high;
  }
  // Only the strip in front of the canal where bodies live (up to 55 mm anterior of it).
  const double reach = 55.0 / pixel_mm;
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      const double k = canal[static_cast<std::size_t>(r)];
      if (k < 0 || c >= k - 2.0 / pixel_mm || c < k - reach) band[static_cast<std::size_t>(r * p.cols + c)] = 0;
    }
  const int radius = std::max(1, static_cast<int>(std::lround(params.opening_mm / pixel_mm)));
  band = morph(morph(band, p, radius, true), p, radius, false);
  // Components with a body's size: 250-2500 mm^2, taller than 12 mm and deeper than 15 mm, touching
  // the canal (within 14 mm of its centre line).
  std::vector<int> component(band.size(), -1);
  std::vector<std::uint8_t> out(band.size(), 0);
  const double pixel_area = pixel_mm * pixel_mm;
  int next = 0;
  for (std::int64_t start = 0; start < p.size(); ++start) {
    if (!band[static_cast<std::size_t>(start)] || component[static_cast<std::size_t>(start)] >= 0) continue;
    std::vector<std::int64_t> members;
    std::deque<std::int64_t> queue{start};
    component[static_cast<std::size_t>(start)] = next;
    std::int64_t r0 = p.rows, r1 = -1, c0 = p.cols, c1 = -1;
    double gap = 1e30;
    while (!queue.empty()) {
      const std::int64_t i = queue.front();
      queue.pop_front();
      members.push_back(i);
      const std::int64_t r = i / p.cols, c = i % p.cols;
      r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
      gap = std::min(gap, (canal[static_cast<std::size_t>(r)] - c) * pixel_mm);
      const std::int64_t neighbours[4] = {r > 0 ? i - p.cols : -1, r + 1 < p.rows ? i + p.cols : -1, c > 0 ? i - 1 : -1,
                                          c + 1 < p.cols ? i + 1 : -1};
      for (std::int64_t n : neighbours)
        if (n >= 0 && band[static_cast<std::size_t>(n)] && component[static_cast<std::size_t>(n)] < 0) {
          component[static_cast<std::size_t>(n)] = next;
          queue.push_back(n);
        }
    }
    ++next;
    const double area = static_cast<double>(members.size()) * pixel_area;
    const double height = static_cast<double>(r1 - r0 + 1) * pixel_mm, depth = static_cast<double>(c1 - c0 + 1) * pixel_mm;
    if (area < 80 || area > 2500 || height < 12 || depth < 6 || height > 45 || gap > 14.0) continue;
    for (std::int64_t i : members) out[static_cast<std::size_t>(i)] = 1;
  }
  // The band holds the marrow; the body includes its cortex, a dark rim of about 1.5 mm: grow it back.
  return morph(out, p, std::max(1, static_cast<int>(std::ceil(1.5 / pixel_mm))), false);
}

}  // namespace ldd::segflow
