// refine_sweep: SegFlow's refinement alone, retrained with other settings on cached votes, scored by
// what the discs need: how many volumes get all five lumbar discs placed, and with the names sure.
// The votes (the slow stage) are computed once per volume and cached in CACHE_DIR (<id>.votes); the
// refinement is trained, as `segflow` does, on the volumes segflow::teaching_volumes chooses (the first
// TRAIN baselines whose votes show three bodies). Each volume's refined mask is written to
// CACHE_DIR/<tag>/<id>.mask, where naming_replay scores the names against reference masks.
//   refine_sweep COHORT.h5 CACHE_DIR TAG TRAIN_VOLUMES STEPS [SEED] [BASE_CHANNELS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/cohort/cohort_file.h"
#include "segflow/disc_geometry.h"
#include "segflow/naming.h"
#include "segflow/refine.h"
#include "segflow/vote.h"

using namespace ldd;

namespace {

// The votes and the canal they followed, from CACHE_DIR or computed and cached there.
segflow::Votes cached_votes(const Volume& v, const std::filesystem::path& stem) {
  segflow::Votes votes;
  std::ifstream labels(stem.string() + ".votes", std::ios::binary), canal(stem.string() + ".canal", std::ios::binary);
  if (labels && canal) {
    votes.labels.resize(v.voxels.size());
    votes.canal.resize(static_cast<std::size_t>(v.shape[1]));
    labels.read(reinterpret_cast<char*>(votes.labels.data()), static_cast<std::streamsize>(votes.labels.size()));
    canal.read(reinterpret_cast<char*>(votes.canal.data()), static_cast<std::streamsize>(votes.canal.size() * sizeof(double)));
    if (static_cast<std::size_t>(labels.gcount()) == votes.labels.size() &&
        static_cast<std::size_t>(canal.gcount()) == votes.canal.size() * sizeof(double))
      return votes;
  }
  votes = segflow::vote(v);
  std::ofstream(stem.string() + ".votes", std::ios::binary)
      .write(reinterpret_cast<const char*>(votes.labels.data()), static_cast<std::streamsize>(votes.labels.size()));
  std::ofstream(stem.string() + ".canal", std::ios::binary)
      .write(reinterpret_cast<const char*>(votes.canal.data()), static_cast<std::streamsize>(votes.canal.size() * sizeof(double)));
  return votes;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: refine_sweep COHORT.h5 CACHE_DIR TAG TRAIN_VOLUMES STEPS [SEED] [BASE_CHANNELS]\n");
    return 2;
  }
  try {
    const CohortReader reader(argv[1]);
    const std::filesystem::path cache = argv[2], masks = cache / argv[3];
    std::filesystem::create_directories(masks);
    const int train = std::stoi(argv[4]);
    segflow::RefineOptions o;
    o.steps = std::stoi(argv[5]);
    if (argc > 6) o.seed = std::stoull(argv[6]);
    if (argc > 7) o.base_channels = std::stoll(argv[7]);
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> ids;
    std::vector<Volume> volumes;
    std::vector<segflow::Votes> votes;
    std::vector<const Volume*> vp;
    std::vector<const segflow::Votes*> tp;
    for (const auto& id : reader.subject_ids()) {
      if (!reader.has_volume(id, Visit::Baseline)) continue;
      ids.push_back(id);
      volumes.push_back(reader.volume(id, Visit::Baseline));
      votes.push_back(cached_votes(volumes.back(), cache / id));
    }
    std::vector<int> bodies;
    for (std::size_t k = 0; k < volumes.size(); ++k) bodies.push_back(segflow::voted_bodies(votes[k], volumes[k]));
    for (std::size_t k : segflow::teaching_volumes(bodies, train)) vp.push_back(&volumes[k]), tp.push_back(&votes[k]);
    std::printf("votes: %.1f s; training on %zu volumes\n", seconds_since(t0), vp.size());
    t0 = std::chrono::steady_clock::now();
    auto net = segflow::train_refinement(vp, tp, o);
    std::printf("refinement training: %.1f s\n", seconds_since(t0));
    int failed = 0, five = 0, five_sure = 0, discs = 0;
    for (std::size_t k = 0; k < volumes.size(); ++k) {
      const auto mask = segflow::segment(*net, volumes[k]);
      std::ofstream(masks / (ids[k] + ".mask"), std::ios::binary).write(reinterpret_cast<const char*>(mask.data()), static_cast<std::streamsize>(mask.size()));
      const auto naming = segflow::name_vertebrae(mask, volumes[k]);
      std::string found;
      try {
        const auto g = segflow::disc_geometry(naming.labels, volumes[k].shape, volumes[k].spacing_mm);
        int n = 0;
        for (const auto& d : g.discs) found += d ? "+" : "-", n += d.has_value();
        discs += n;
        five += n == 5;
        five_sure += n == 5 && naming.lumbar_confident();
      } catch (const std::exception&) {
        found = "failed";
        ++failed;
      }
      std::printf("%s: voted bodies %d, discs %s, confident positions %d\n", ids[k].c_str(), segflow::voted_bodies(votes[k], volumes[k]),
                  found.c_str(), naming.confident_positions);
    }
    std::printf("%zu volumes: failed %d, all five discs %d (%.1f %%), all five with the names sure %d, discs placed %d\n", volumes.size(), failed,
                five, 100.0 * five / static_cast<double>(volumes.size()), five_sure, discs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "refine_sweep: %s\n", e.what());
    return 1;
  }
}
