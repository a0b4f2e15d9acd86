// The segflow stage on a cohort file: votes on every volume, a refinement network trained on the votes
// of the first few volumes, masks for all, vertebrae named, disc regions, and the standardised disc
// crops, all written back under /subjects/<id>/<visit>/segflow (data/SCHEMA.md). The cohort is copied
// to a temporary file, extended there and renamed over the original, so a crash never damages it.
// A volume that fails (no spine found, fewer than two vertebrae) gets status "failed: <reason>" and
// the run goes on; the summary lists the failures.
#pragma once
#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/process_group.h"
#include "segflow/refine.h"

namespace ldd::segflow {

// The one home of SegFlow's defaults and limits: the `segflow` command and experiments' `segflow` and
// `crop` sections start from these and are checked by validate().
struct SegflowOptions {
  static constexpr int kMaxTrainVolumes = 1000, kMaxSteps = 100000;
  static constexpr std::int64_t kMaxCropSlices = 64, kMaxCropSize = 512;

  RefineOptions refine;
  int train_volumes = 8;           // baseline volumes whose votes train the refinement network
  std::int64_t crop_slices = 9, crop_rows = 112, crop_cols = 112;
  std::filesystem::path qc_folder;  // empty: no quality-control PNGs (a failed volume's is framed in red)
  bool followup = true;             // false: baseline volumes only (all that training reads)
  // Empty: the refinement network is trained on this cohort's votes (and kept in it, refine.h). A cohort
  // file: its kept network segments this cohort, untrained here.
  std::filesystem::path refinement_from;

  // Throws ldd::Error naming the option out of range (training volumes and steps only when a network is trained).
  void validate() const;
};

// Besides its own network grid (1.2-2.4 mm per pixel, by halving), each volume is read on these (mm per
// pixel) where the refinement network learnt from slices at grids as fine and as coarse
// (RefinementNet::learnt_grids_mm), and the surest reading is kept. On 2-D SPIDER slices, whose own grids
// run from 1.25 to 2.34 mm, a fine grid placed all five discs on more slices than each slice's own, and
// the surest of the three readings on more still (chosen on the tuning patients of scripts/spider-split,
// bench/RESULTS.md 2026-12-08). Outside the grids it learnt, the network's readings were surely named and
// wrong: lumbar-vb-t2's 3-D network, taught at 2 mm only, named 3 of 10 volumes wrong at 1.25 and 1.4 mm.
inline constexpr std::array<double, 2> kOtherReadingGridsMm{1.25, 1.4};

// The grids `volume` is read on: its own first (as 0), then those of kOtherReadingGridsMm within the
// network's learnt grids and not its own.
std::vector<double> reading_grids(const RefinementNet& net, const Volume& volume);

// How sure a reading of a volume is, to keep the surest: first the positions its naming is sure of, then
// the discs it places. Ties keep the earlier reading.
inline int reading_score(int confident_positions, int discs_found) { return confident_positions * 10 + discs_found; }

struct SegflowSummary {
  std::size_t volumes = 0, succeeded = 0;
  std::vector<std::string> failures;  // "<id>/<visit>: reason"
};

// `processes` (an MPI job's ranks; null: this process alone): every rank must call it. The refinement
// network is trained on rank 0 and sent to the others, the volumes are shared out round robin, and rank 0
// writes every result into the cohort and returns the job's summary (the others an empty one).
SegflowSummary run_segflow(const std::filesystem::path& cohort, const SegflowOptions& options,
                           const std::function<void(std::int64_t, std::int64_t)>& progress = {},
                           const ProcessGroup* processes = nullptr);

}  // namespace ldd::segflow
