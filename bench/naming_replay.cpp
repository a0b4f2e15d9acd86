// naming_replay: the level naming alone, replayed on cached refined masks, scored against a cohort's
// reference masks: a quick loop for work on segflow/naming.cpp. The first run trains the
// refinement network on the first TRAIN volumes (as `segflow` does) and caches every volume's refined
// mask in CACHE_DIR; later runs only name. A reference vertebra is named right when the label covering
// most of it is its level's (reference labels 1.. are the levels given, e.g. T11,T12,L1,L2,L3,L4,L5 for
// lumbar-vb-t2; default: ldd's own labels).
//   naming_replay COHORT.h5 CACHE_DIR [REFERENCE_LEVELS] [TRAIN_VOLUMES] [STEPS] [SEED]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "data/cohort/cohort_file.h"
#include "segflow/disc_geometry.h"
#include "segflow/naming.h"
#include "segflow/refine.h"
#include "segflow/vote.h"

using namespace ldd;

namespace {

int segflow_label(const std::string& level) {
  static const std::map<std::string, int> lumbar{{"L1", 1}, {"L2", 2}, {"L3", 3}, {"L4", 4}, {"L5", 5}, {"S1", 6}};
  if (const auto it = lumbar.find(level); it != lumbar.end()) return it->second;
  if (level.size() >= 2 && level[0] == 'T') return 7 + 12 - std::stoi(level.substr(1));
  throw std::runtime_error("unknown level name '" + level + "'");
}

bool read_mask(const std::filesystem::path& path, std::vector<std::uint8_t>& mask) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.read(reinterpret_cast<char*>(mask.data()), static_cast<std::streamsize>(mask.size()));
  return static_cast<std::size_t>(in.gcount()) == mask.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: naming_replay COHORT.h5 CACHE_DIR [REFERENCE_LEVELS] [TRAIN_VOLUMES] [STEPS] [SEED]\n");
    return 2;
  }
  try {
    const CohortReader reader(argv[1]);
    const std::filesystem::path cache = argv[2];
    std::map<int, int> expected;  // reference label -> SegFlow label
    if (argc > 3) {
      std::stringstream names(argv[3]);
      int k = 1;
      for (std::string n; std::getline(names, n, ',');) expected[k++] = segflow_label(n);
    }
    const int train = argc > 4 ? std::stoi(argv[4]) : 8;
    std::filesystem::create_directories(cache);
    std::vector<std::string> ids;
    for (const auto& id : reader.subject_ids())
      if (reader.has_volume(id, Visit::Baseline) && reader.true_vertebra_mask(id, Visit::Baseline)) ids.push_back(id);
    bool cached = true;
    for (const auto& id : ids) cached = cached && std::filesystem::exists(cache / (id + ".mask"));
    if (!cached) {
      std::vector<Volume> volumes;
      std::vector<segflow::Votes> votes;
      for (const auto& id : ids) {
        if (static_cast<int>(volumes.size()) == train) break;
        volumes.push_back(reader.volume(id, Visit::Baseline));
        votes.push_back(segflow::vote(volumes.back()));
      }
      std::vector<const Volume*> vp;
      std::vector<const segflow::Votes*> tp;
      for (std::size_t i = 0; i < volumes.size(); ++i) vp.push_back(&volumes[i]), tp.push_back(&votes[i]);
      segflow::RefineOptions o;
      if (argc > 5) o.steps = std::stoi(argv[5]);
      if (argc > 6) o.seed = std::stoull(argv[6]);  // the refinement's initialisation and batches
      auto net = segflow::train_refinement(vp, tp, o);
      for (const auto& id : ids) {
        const auto mask = segflow::segment(*net, reader.volume(id, Visit::Baseline));
        std::ofstream(cache / (id + ".mask"), std::ios::binary).write(reinterpret_cast<const char*>(mask.data()), static_cast<std::streamsize>(mask.size()));
      }
    }
    int volumes_right = 0, bodies = 0, bodies_right = 0;
    double dice_sum = 0;
    for (const auto& id : ids) {
      const Volume v = reader.volume(id, Visit::Baseline);
      std::vector<std::uint8_t> mask(v.voxels.size());
      if (!read_mask(cache / (id + ".mask"), mask)) throw std::runtime_error("cannot read the cached mask of " + id);
      const auto truth = *reader.true_vertebra_mask(id, Visit::Baseline);
      const auto naming = segflow::name_vertebrae(mask, v);
      const auto& named = naming.labels;
      std::map<int, std::map<int, std::int64_t>> cover;  // reference label -> named label -> voxels
      for (std::size_t i = 0; i < truth.size(); ++i)
        if (truth[i] && named[i]) ++cover[truth[i]][named[i]];
      std::set<int> references;
      std::map<int, std::int64_t> truth_size, named_size;
      for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i]) references.insert(truth[i]), ++truth_size[truth[i]];
        if (named[i]) ++named_size[named[i]];
      }
      std::string line;
      int right = 0;
      for (int r : references) {
        int best = 0;
        std::int64_t most = 0;
        for (const auto& [label, n] : cover[r])
          if (n > most) most = n, best = label;
        // per-vertebra Dice against the label covering it most, as bench/segflow_dice.py and the tests score it
        const double dice = best ? 2.0 * static_cast<double>(most) / static_cast<double>(truth_size[r] + named_size[best]) : 0.0;
        dice_sum += dice;
        const int want = expected.empty() ? r : expected.count(r) ? expected[r] : -1;
        right += best == want;
        char item[32];
        std::snprintf(item, sizeof item, " %d:%d%s(%.2f)", r, best, best == want ? "" : "!", dice);
        line += item;
      }
      std::string found;
      try {
        const auto g = segflow::disc_geometry(named, v.shape, v.spacing_mm);
        for (const auto& d : g.discs) found += d ? "+" : "-";
      } catch (const std::exception& e) {
        found = std::string("failed: ") + e.what();
      }
      std::string notes;
      for (const auto& n : naming.notes) notes += "; " + n;
      std::printf("%s: named right %d of %zu (reference:named%s), discs %s, confident positions %d%s\n", id.c_str(), right, references.size(),
                  line.c_str(), found.c_str(), naming.confident_positions, notes.c_str());
      volumes_right += right == static_cast<int>(references.size());
      bodies += static_cast<int>(references.size());
      bodies_right += right;
    }
    std::printf("every body named right in %d of %zu volumes; %d of %d bodies; per-vertebra Dice %.3f\n", volumes_right, ids.size(),
                bodies_right, bodies, dice_sum / std::max(bodies, 1));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "naming_replay: %s\n", e.what());
    return 1;
  }
}
