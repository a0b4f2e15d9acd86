// segflow_stages: scores each SegFlow stage against a cohort's reference masks, to see which stage
// loses what on a data set (votes, then the refinement network's mask, then the naming):
//   segflow_stages COHORT.h5 TRAIN_VOLUMES STEPS [QC_DIR]
// Prints per volume: the confident vertebra labels' precision and recall, the ignore share, the
// refined mask's binary Dice and how many vertebrae the naming keeps; QC_DIR gets the mid-sagittal
// slice's votes (grey = ignore), refined mask and named vertebrae as PNGs, and caches each volume's votes
// (<id>.votes) so that a second run with other refinement settings skips the proposals.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "data/cohort/cohort_file.h"
#include "data/image/png.h"
#include "segflow/naming.h"
#include "segflow/proposals.h"
#include "segflow/refine.h"
#include "segflow/vote.h"

using namespace ldd;

namespace {

void write_slice_png(const std::string& path, const Volume& v, const std::vector<std::uint8_t>& labels,
                     const std::vector<double>& canal = {}) {
  const std::int64_t rows = v.shape[1], cols = v.shape[2], mid = v.shape[0] / 2, plane = rows * cols;
  const auto values = v.intensities();
  float top = 1e-6f;
  for (std::int64_t i = 0; i < plane; ++i) top = std::max(top, values[static_cast<std::size_t>(mid * plane + i)]);
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(plane * 3));
  for (std::int64_t i = 0; i < plane; ++i) {
    const auto g = static_cast<std::uint8_t>(std::min(255.0f, 255.0f * values[static_cast<std::size_t>(mid * plane + i)] / top));
    const auto l = labels[static_cast<std::size_t>(mid * plane + i)];
    if (l > 1 && l != segflow::kIgnore) {  // named vertebrae: one colour per label
      static const std::uint8_t colours[8][3] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {255, 0, 255}, {0, 255, 255}, {255, 128, 0}};
      for (int ch = 0; ch < 3; ++ch) rgb[static_cast<std::size_t>(3 * i + ch)] = colours[l < 8 ? l : 1 + l % 7][ch];
      continue;
    }
    rgb[static_cast<std::size_t>(3 * i)] = l == segflow::kIgnore ? 128 : g;
    rgb[static_cast<std::size_t>(3 * i + 1)] = l == 1 ? 255 : l == segflow::kIgnore ? 128 : g;
    rgb[static_cast<std::size_t>(3 * i + 2)] = l == segflow::kIgnore ? 128 : g;
  }
  for (std::size_t r = 0; r < canal.size(); ++r)  // the canal the proposals followed, in red
    if (const auto c = std::lround(canal[r]); c >= 0 && c < cols) {
      const auto at = static_cast<std::size_t>(3 * (static_cast<std::int64_t>(r) * cols + c));
      rgb[at] = 255, rgb[at + 1] = 0, rgb[at + 2] = 0;
    }
  image::write_png(path, rgb, cols, rows, 3);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: segflow_stages COHORT.h5 TRAIN_VOLUMES STEPS [QC_DIR]\n");
    return 2;
  }
  const CohortReader reader(argv[1]);
  const int train = std::stoi(argv[2]);
  const std::string qc = argc > 4 ? argv[4] : "";
  if (!qc.empty()) std::filesystem::create_directories(qc);
  std::vector<Volume> volumes;
  std::vector<segflow::Votes> votes;
  std::vector<std::string> ids;
  for (const auto& id : reader.subject_ids()) {
    if (!reader.has_volume(id, Visit::Baseline)) continue;
    ids.push_back(id);
    volumes.push_back(reader.volume(id, Visit::Baseline));
    const auto t0 = std::chrono::steady_clock::now();
    const std::string cache = qc.empty() ? "" : qc + "/" + id + ".votes";
    if (FILE* f = cache.empty() ? nullptr : std::fopen(cache.c_str(), "rb")) {
      segflow::Votes cached;
      cached.labels.resize(volumes.back().voxels.size());
      if (std::fread(cached.labels.data(), 1, cached.labels.size(), f) != cached.labels.size()) return 3;
      std::fclose(f);
      votes.push_back(std::move(cached));
    } else {
      votes.push_back(segflow::vote(volumes.back()));
      if (!cache.empty()) {
        FILE* out = std::fopen(cache.c_str(), "wb");
        if (!out) {
          std::fprintf(stderr, "segflow_stages: cannot write %s\n", cache.c_str());
          return 1;
        }
        std::fwrite(votes.back().labels.data(), 1, votes.back().labels.size(), out);
        std::fclose(out);
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto truth = reader.true_vertebra_mask(id, Visit::Baseline);
    std::int64_t fg = 0, fg_right = 0, bg = 0, bg_right = 0, truth_n = 0, truth_found = 0, ignore = 0;
    for (std::size_t i = 0; i < votes.back().labels.size(); ++i) {
      const auto l = votes.back().labels[i];
      const bool t = truth && (*truth)[i] > 0;
      truth_n += t;
      if (l == 1) fg++, fg_right += t, truth_found += t;
      else if (l == 0) bg++, bg_right += !t;
      else ignore++;
    }
    std::printf("%s votes (%.1f s): vertebra labels precision %.3f recall %.3f; background precision %.4f; ignore %.1f %%; marrow gradient %.3f, barrier x%.2f; %d bodies voted\n", id.c_str(),
                seconds, fg ? double(fg_right) / fg : 0.0, truth_n ? double(truth_found) / truth_n : 0.0, bg ? double(bg_right) / bg : 0.0,
                100.0 * ignore / double(votes.back().labels.size()), votes.back().marrow_gradient, votes.back().barrier_scale,
                segflow::voted_bodies(votes.back(), volumes.back()));
    if (!qc.empty()) {
      const auto& v = volumes.back();
      write_slice_png(qc + "/" + id + "_votes.png", v, votes.back().labels, votes.back().canal);
    }
  }
  std::vector<const Volume*> vp;
  std::vector<const segflow::Votes*> tp;
  for (int i = 0; i < train && i < static_cast<int>(volumes.size()); ++i) vp.push_back(&volumes[static_cast<std::size_t>(i)]), tp.push_back(&votes[static_cast<std::size_t>(i)]);
  segflow::RefineOptions o;
  o.steps = std::stoi(argv[3]);
  o.on_step = [](int step, float loss) { if (step % 50 == 0) std::printf("  step %d loss %.4f\n", step, loss), std::fflush(stdout); };
  const auto t0 = std::chrono::steady_clock::now();
  auto net = segflow::train_refinement(vp, tp, o);
  std::printf("refinement training: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  for (std::size_t k = 0; k < volumes.size(); ++k) {
    const auto& v = volumes[k];
    const auto mask = segflow::segment(*net, v);
    const auto truth = reader.true_vertebra_mask(ids[k], Visit::Baseline);
    std::int64_t both = 0, a = 0, b = 0;
    for (std::size_t i = 0; i < mask.size(); ++i) a += mask[i], b += truth && (*truth)[i] > 0, both += mask[i] && truth && (*truth)[i] > 0;
    const auto named = segflow::name_vertebrae(mask, v).labels;
    int kinds[8] = {};
    for (auto l : named) kinds[l] = 1;
    int n = 0;
    for (int l = 1; l < 8; ++l) n += kinds[l];
    std::printf("%s refined: Dice %.3f (mask %.1f %% of truth size), %d named labels\n", ids[k].c_str(), 2.0 * both / double(a + b),
                100.0 * a / double(std::max<std::int64_t>(b, 1)), n);
    if (!qc.empty()) write_slice_png(qc + "/" + ids[k] + "_mask.png", v, mask);
    if (!qc.empty()) write_slice_png(qc + "/" + ids[k] + "_named.png", v, named);
  }
}
