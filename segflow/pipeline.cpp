#include "segflow/pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "base/check.h"
#include "base/remove_on_signal.h"
#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "data/image/draw.h"
#include "data/image/label_text.h"
#include "data/image/png.h"
#include "data/io/file_lock.h"
#include "nn/ops.h"
#include "segflow/disc_geometry.h"
#include "segflow/naming.h"

namespace ldd::segflow {
namespace {

struct Job {
  std::string id;
  Visit visit;
};

// The mid-sagittal slice in grey, windowed to its 99th percentile.
image::RgbImage mid_slice(const Volume& v) {
  const std::int64_t rows = v.shape[1], cols = v.shape[2], mid = v.shape[0] / 2, plane = rows * cols;
  std::vector<std::uint16_t> slice(v.voxels.begin() + mid * plane, v.voxels.begin() + (mid + 1) * plane);
  std::vector<std::uint16_t> sorted = slice;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() * 99 / 100), sorted.end());
  const auto grey = image::window_to_grey(slice, 0, std::max<double>(sorted[sorted.size() * 99 / 100], 1));
  image::RgbImage qc(rows, cols);
  for (std::int64_t i = 0; i < plane; ++i)
    for (int ch = 0; ch < 3; ++ch) qc.pixels[static_cast<std::size_t>(3 * i + ch)] = grey[static_cast<std::size_t>(i)];
  return qc;
}

// A failed volume's QC image: its mid-slice framed in red (the reason is in its status and the summary),
// or a red-framed black square when it cannot be read or has no pixels (nullptr), so that a contact
// sheet of the QC folder shows every volume, the failures included.
void write_failed_qc(const std::filesystem::path& folder, const std::string& name, const Volume* v) {
  image::RgbImage qc = v ? mid_slice(*v) : image::RgbImage(64, 64);
  const std::int64_t frame = std::max<std::int64_t>(2, std::min(qc.rows, qc.cols) / 60);
  for (std::int64_t r = 0; r < qc.rows; ++r)
    for (std::int64_t c = 0; c < qc.cols; ++c)
      if (r < frame || c < frame || r >= qc.rows - frame || c >= qc.cols - frame) qc.paint(r, c, {255, 0, 0});
  std::filesystem::create_directories(folder);
  image::write_png(folder / (name + ".png"), qc.pixels, qc.cols, qc.rows, 3);
}

// Mid-sagittal slice with the mask outline (green), each body's level name (yellow; "?" after a name the
// naming is unsure of) and each disc box (one colour per level) as PNG.
void write_qc(const std::filesystem::path& folder, const std::string& name, const Volume& v, const Naming& naming,
              const DiscGeometry& g) {
  const auto& labels = naming.labels;
  const std::int64_t rows = v.shape[1], cols = v.shape[2], mid = v.shape[0] / 2, plane = rows * cols;
  image::RgbImage qc = mid_slice(v);
  auto paint = [&](std::int64_t r, std::int64_t c, image::Rgb colour) { qc.paint(r, c, colour); };
  for (std::int64_t r = 0; r + 1 < rows; ++r)
    for (std::int64_t c = 0; c + 1 < cols; ++c) {
      const auto l = labels[static_cast<std::size_t>(mid * plane + r * cols + c)];
      if (l != labels[static_cast<std::size_t>(mid * plane + r * cols + c + 1)] ||
          l != labels[static_cast<std::size_t>(mid * plane + (r + 1) * cols + c)])
        paint(r, c, {0, 255, 0});
    }
  static constexpr std::array<std::array<std::uint8_t, 3>, kLevels> kColours{
      {{255, 64, 64}, {255, 160, 0}, {255, 255, 0}, {0, 200, 255}, {255, 0, 255}}};  // L1-L2 .. L5-S1
  for (const auto& d : g.discs) {
    if (!d) continue;
    const auto& b = d->box;  // its outline in the sagittal plane
    image::draw_parallelogram(qc, {b.corner[1], b.corner[2]}, {b.axes[1][1], b.axes[1][2]}, {b.axes[2][1], b.axes[2][2]},
                              kColours[static_cast<std::size_t>(d->level)]);
  }
  std::array<double, 256> row_sum{}, col_max{}, count{};
  for (std::int64_t i = 0; i < plane; ++i)
    if (const auto l = labels[static_cast<std::size_t>(mid * plane + i)]) {
      row_sum[l] += static_cast<double>(i / cols);
      col_max[l] = std::max(col_max[l], static_cast<double>(i % cols));
      count[l] += 1;
    }
  const int scale = std::max<int>(1, static_cast<int>(rows / 160));
  for (int l = 1; l < 256; ++l)
    if (count[static_cast<std::size_t>(l)] > 0) {
      const auto label = static_cast<std::uint8_t>(l);
      const std::string text = level_name(label) + (level_position(label) < naming.confident_positions ? "" : "?");
      // behind the body, in the canal, where the text hides no bone
      image::draw_label(qc.pixels, rows, cols, std::lround(row_sum[static_cast<std::size_t>(l)] / count[static_cast<std::size_t>(l)]) - 2 * scale,
                        std::lround(col_max[static_cast<std::size_t>(l)]) + 2 * scale, text, {255, 255, 0}, scale);
    }
  std::filesystem::create_directories(folder);
  image::write_png(folder / (name + ".png"), qc.pixels, cols, rows, 3);
}

// Below this many pixels per slice no lumbar spine fits; the voting stages assume at least this much.
constexpr std::int64_t kMinimumExtent = 16;

bool too_small(const Volume& v) { return v.shape[0] < 1 || v.shape[1] < kMinimumExtent || v.shape[2] < kMinimumExtent; }

// Every volume SegFlow segments: the baselines, and the follow-ups when asked.
std::vector<Job> jobs_of(const std::filesystem::path& cohort, bool followup) {
  const CohortReader reader(cohort);
  std::vector<Job> jobs;
  for (const auto& id : reader.subject_ids())
    for (Visit visit : {Visit::Baseline, Visit::FollowUp})
      if (reader.has_volume(id, visit) && (visit == Visit::Baseline || followup)) jobs.push_back({id, visit});
  return jobs;
}

// The refinement network trained on the votes of the first baseline volumes that show a spine.
std::unique_ptr<RefinementNet> trained_refinement(const std::filesystem::path& cohort, const std::vector<Job>& jobs,
                                                  const SegflowOptions& o) {
  const CohortReader reader(cohort);
  std::vector<Volume> volumes;
  std::vector<Votes> votes;
  // The first train_volumes baselines whose votes show a spine; at most four times as many are voted,
  // and if too few qualify the best-voted of those make up the number.
  struct Candidate {
    Volume volume;
    Votes votes;
    int bodies;
  };
  std::vector<Candidate> candidates;
  int qualified = 0;
  for (const auto& job : jobs) {
    if (qualified == o.train_volumes || static_cast<int>(candidates.size()) == 4 * o.train_volumes) break;
    if (job.visit != Visit::Baseline) continue;
    Volume v = reader.volume(job.id, job.visit);
    if (too_small(v)) continue;  // fails below, with the reason
    Votes w = vote(v);
    const int bodies = voted_bodies(w, v);
    qualified += bodies >= kTeachingBodies;
    candidates.push_back({std::move(v), std::move(w), bodies});
  }
  LDD_CHECK(!candidates.empty(), "segflow: the cohort '" << cohort.string() << "' has no baseline volume to learn from");
  std::vector<int> bodies;
  for (const auto& c : candidates) bodies.push_back(c.bodies);
  for (std::size_t i : teaching_volumes(bodies, o.train_volumes))
    volumes.push_back(std::move(candidates[i].volume)), votes.push_back(std::move(candidates[i].votes));
  std::vector<const Volume*> vp;
  std::vector<const Votes*> tp;
  for (std::size_t i = 0; i < volumes.size(); ++i) vp.push_back(&volumes[i]), tp.push_back(&votes[i]);
  return train_refinement(vp, tp, o.refine);
}

struct Segmented {
  SegflowResult result;
  Naming naming;
  DiscGeometry geometry;
};

// One reading of a volume: its mask on one network grid, named and its discs placed.
struct Reading {
  Naming naming;
  DiscGeometry geometry;
  double grid_mm = 0;  // 0: the volume's own grid
};

}  // namespace

std::vector<double> reading_grids(const RefinementNet& net, const Volume& v) {
  std::vector<double> grids{0};
  const double own = own_grid_mm(v), tolerance = 1e-6;
  const auto [finest, coarsest] = net.learnt_grids_mm;
  for (const double grid : kOtherReadingGridsMm)
    if (grid >= finest - tolerance && grid <= coarsest + tolerance && std::abs(grid - own) > 0.01 * own) grids.push_back(grid);
  return grids;
}

namespace {

// The volume read on each of its reading grids, the surest reading kept; throws the first reading's
// reason when none places a disc.
Reading surest_reading(RefinementNet& net, const Volume& v) {
  std::optional<Reading> best;
  int best_score = -1;
  std::string first_failure;
  for (const double grid : reading_grids(net, v)) {
    try {
      const auto mask = grid == 0 ? segment(net, v) : segment_at(net, v, grid);
      Naming naming = name_vertebrae(mask, v);
      DiscGeometry g = disc_geometry(naming.labels, v.shape, v.spacing_mm);
      const int found = static_cast<int>(std::count_if(g.discs.begin(), g.discs.end(), [](const auto& d) { return d.has_value(); }));
      if (const int score = reading_score(naming.confident_positions, found); score > best_score) {
        best_score = score;
        best = Reading{std::move(naming), std::move(g), grid};
      }
    } catch (const Error& e) {
      if (first_failure.empty()) first_failure = e.what();
    }
  }
  if (!best) throw Error(first_failure);
  if (best->grid_mm > 0) {
    std::ostringstream note;
    note << "read on a " << best->grid_mm << " mm grid, surer than the volume's own";
    best->naming.notes.push_back(note.str());
  }
  return std::move(*best);
}

// One volume segmented, its bodies named, its discs placed and cropped; throws why it cannot be.
Segmented segment_volume(RefinementNet& net, const Volume& v, const SegflowOptions& o) {
  LDD_CHECK(!too_small(v), "the volume is " << v.shape[0] << " x " << v.shape[1] << " x " << v.shape[2]
                                            << " voxels: too small to hold a lumbar spine (at least " << kMinimumExtent << " x "
                                            << kMinimumExtent << " pixels per slice)");
  Reading reading = surest_reading(net, v);
  const Naming& naming = reading.naming;
  const DiscGeometry& g = reading.geometry;
  SegflowResult result;
  result.shape = v.shape;
  result.vertebra_mask = naming.labels;
  result.boxes.resize(kLevels);
  result.found.assign(kLevels, 0);
  result.crop_shape = {o.crop_slices, o.crop_rows, o.crop_cols};
  result.mean_width_mm = g.mean_width_mm;
  result.naming_confident_positions = static_cast<std::int64_t>(naming.confident_positions);
  for (std::size_t l = 0; l < kLevels; ++l)  // boxes stay zeros where a disc was not found
    if (const auto& d = g.discs[l]) {
      result.boxes[l] = d->box;
      result.found[l] = 1;
    }
  result.crops = crop_resize(Tensor::from_vector({v.shape[0], v.shape[1], v.shape[2]}, v.intensities()), result.boxes,
                             o.crop_slices, o.crop_rows, o.crop_cols)
                     .to_vector();
  for (const auto& n : naming.notes) result.naming_notes += (result.naming_notes.empty() ? "" : "; ") + n;
  return {std::move(result), std::move(reading.naming), std::move(reading.geometry)};
}

}  // namespace

void SegflowOptions::validate() const {
  if (refinement_from.empty()) {  // a network trained here; one taken from another cohort trains nothing
    LDD_CHECK(train_volumes >= 1 && train_volumes <= kMaxTrainVolumes,
              "segflow: train volumes " << train_volumes << ": between 1 and " << kMaxTrainVolumes);
    LDD_CHECK(refine.steps >= 1 && refine.steps <= kMaxSteps, "segflow: steps " << refine.steps << ": between 1 and " << kMaxSteps);
  }
  LDD_CHECK(crop_slices >= 1 && crop_slices <= kMaxCropSlices && crop_rows >= 1 && crop_rows <= kMaxCropSize && crop_cols >= 1 &&
                crop_cols <= kMaxCropSize,
            "segflow: crop " << crop_slices << "x" << crop_rows << "x" << crop_cols << ": slices 1 to " << kMaxCropSlices
                             << ", rows and columns 1 to " << kMaxCropSize);
}

namespace {

// The refinement network as bytes for the ranks that did not train it: the grids it learnt (they decide
// where a volume is read on another grid), then its parameters in named_parameters order.
std::string parameter_bytes(const RefinementNet& net) {
  std::string bytes(reinterpret_cast<const char*>(net.learnt_grids_mm.data()), sizeof(net.learnt_grids_mm));
  for (const auto& [name, p] : net.named_parameters()) {
    const auto values = p.to_vector();
    bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  }
  return bytes;
}

std::unique_ptr<RefinementNet> net_from_bytes(const std::string& bytes, std::int64_t base_channels) {
  Generator unused(0);  // every parameter is overwritten
  auto net = std::make_unique<RefinementNet>(base_channels, unused);
  std::size_t at = sizeof(net->learnt_grids_mm);
  LDD_CHECK(bytes.size() >= at, "segflow: the refinement network sent by rank 0 is too short");
  std::memcpy(net->learnt_grids_mm.data(), bytes.data(), at);
  for (auto& [name, p] : net->named_parameters()) {
    std::vector<float> values(static_cast<std::size_t>(p.numel()));
    LDD_CHECK(at + values.size() * sizeof(float) <= bytes.size(), "segflow: the refinement network sent by rank 0 is too short");
    std::memcpy(values.data(), bytes.data() + at, values.size() * sizeof(float));
    at += values.size() * sizeof(float);
    p.assign(Tensor::from_vector(p.shape(), values));
  }
  LDD_CHECK(at == bytes.size(), "segflow: the refinement network sent by rank 0 is too long");
  return net;
}

// The visit's name for summaries and QC files: "<id>_<visit>".
std::string job_name(const Job& job) { return job.id + "_" + kVisitNames[static_cast<std::size_t>(job.visit)]; }

// Segments one volume into `file`, and its QC image; returns the failure's reason, empty when it succeeded.
std::string segment_job(RefinementNet& net, const CohortReader& reader, hdf5::File& file, const Job& job, const SegflowOptions& o) {
  remove_segflow_result(file, job.id, job.visit);  // a result from an earlier run is replaced, never mixed with this one
  try {
    const Volume v = reader.volume(job.id, job.visit);
    const Segmented segmented = segment_volume(net, v, o);
    write_segflow_result(file, job.id, job.visit, segmented.result);
    if (!o.qc_folder.empty()) write_qc(o.qc_folder, job_name(job), v, segmented.naming, segmented.geometry);
    return {};
  } catch (const std::exception& e) {
    write_segflow_failure(file, job.id, job.visit, e.what());
    if (!o.qc_folder.empty()) {
      std::optional<Volume> v;
      try {
        v = reader.volume(job.id, job.visit);
      } catch (const std::exception&) {
        // the failure is recorded above; the QC image says it by its blank
      }
      const bool pixels = v && v->shape[0] > 0 && v->shape[1] > 0 && v->shape[2] > 0;
      write_failed_qc(o.qc_folder, job_name(job), pixels ? &*v : nullptr);
    }
    return e.what()[0] ? e.what() : "unknown error";
  }
}

// One rank's share of the volumes (every one when alone): results into `file`, failures as
// "<job index>\t<reason>" lines.
std::string segment_share(RefinementNet& net, const CohortReader& reader, hdf5::File& file, const std::vector<Job>& jobs,
                          const SegflowOptions& o, const ProcessGroup& group, const std::function<void(std::int64_t, std::int64_t)>& progress) {
  std::string failures;
  std::int64_t done = 0, share = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) share += group.owns(i);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!group.owns(i)) continue;
    if (const std::string reason = segment_job(net, reader, file, jobs[i], o); !reason.empty()) {
      std::string line = reason;
      std::replace(line.begin(), line.end(), '\n', ' ');
      failures += std::to_string(i) + "\t" + line + "\n";
    }
    if (progress) progress(++done, share);
  }
  return failures;
}

// Rank 0: the other ranks' results copied from their part files into the cohort, and the job's summary.
SegflowSummary merge_shares(hdf5::File& file, const std::vector<Job>& jobs, const std::vector<std::string>& failures,
                            const std::filesystem::path& temporary, const ProcessGroup& group) {
  for (int r = 1; r < group.size(); ++r) {
    const auto part = std::filesystem::path(temporary.string() + ".rank-" + std::to_string(r));
    {
      const hdf5::File from = hdf5::File::open_read(part);
      for (std::size_t i = static_cast<std::size_t>(r); i < jobs.size(); i += static_cast<std::size_t>(group.size())) {
        remove_segflow_result(file, jobs[i].id, jobs[i].visit);
        file.copy_from(from, segflow_group(jobs[i].id, jobs[i].visit));
      }
    }
    std::filesystem::remove(part);
  }
  std::map<std::size_t, std::string> failed;  // in job order, whichever rank met them
  for (const auto& lines : failures) {
    std::istringstream in(lines);
    for (std::string line; std::getline(in, line);)
      if (const auto tab = line.find('\t'); tab != std::string::npos) failed[std::stoul(line.substr(0, tab))] = line.substr(tab + 1);
  }
  SegflowSummary summary;
  summary.volumes = jobs.size();
  summary.succeeded = jobs.size() - failed.size();
  for (const auto& [i, reason] : failed)
    summary.failures.push_back(jobs[i].id + "/" + kVisitNames[static_cast<std::size_t>(jobs[i].visit)] + ": " + reason);
  return summary;
}

}  // namespace

SegflowSummary run_segflow(const std::filesystem::path& cohort, const SegflowOptions& o,
                           const std::function<void(std::int64_t, std::int64_t)>& progress, const ProcessGroup* processes) {
  const ProcessGroup alone;
  const ProcessGroup& group = processes ? *processes : alone;
  o.validate();
  LDD_CHECK(std::filesystem::exists(cohort), "segflow: the cohort '" << cohort.string() << "' does not exist");
  std::optional<io::FileLock> lock;
  std::filesystem::path temporary = cohort;
  temporary += ".segflow-tmp";
  const auto part = std::filesystem::path(temporary.string() + ".rank-" + std::to_string(group.rank()));
  if (group.is_root()) {
    lock.emplace(cohort, "segflow");  // a second segflow on this cohort stops here, naming this one
    // SegFlow writes into a copy, renamed over the cohort when every volume is done: a run that is stopped
    // leaves the cohort as it was. Ctrl-C or kill removes the copy; after SIGKILL the next run replaces it.
    io::remove_on_signal(temporary);
    std::filesystem::copy_file(cohort, temporary, std::filesystem::copy_options::overwrite_existing);
  }
  SegflowSummary summary;
  try {
    // Read from the cohort, which nothing writes until rank 0 renames the copy over it at the end.
    const std::vector<Job> jobs = jobs_of(cohort, o.followup);
    // 1. Train the refinement network on the votes of the first baseline volumes (rank 0), or read it.
    std::unique_ptr<RefinementNet> net;
    if (!o.refinement_from.empty()) {
      net = load_refinement(o.refinement_from);
    } else {
      std::string bytes;
      if (group.is_root()) {
        net = trained_refinement(cohort, jobs, o);
        if (group.size() > 1) bytes = parameter_bytes(*net);
      }
      group.broadcast(bytes);
      if (!group.is_root()) net = net_from_bytes(bytes, o.refine.base_channels);
    }
    // 2. Segment, name, place discs and crop every volume, each rank its share; failures are recorded,
    // not fatal. Rank 0 writes into the copy, the others into part files it then copies in.
    const CohortReader reader(cohort);
    std::optional<CohortReader> updated;
    std::optional<hdf5::File> part_file;
    if (group.is_root()) {
      updated.emplace(temporary, true);
      if (o.refinement_from.empty()) store_refinement(updated->file_for_update(), *net, o.refine.base_channels);
    } else {
      part_file.emplace(hdf5::File::create(part));
    }
    hdf5::File& file = group.is_root() ? updated->file_for_update() : *part_file;
    const std::string failures = segment_share(*net, reader, file, jobs, o, group, progress);
    if (part_file) part_file->commit();
    const auto all_failures = group.gather(failures);  // after every part file is committed
    if (group.is_root()) summary = merge_shares(file, jobs, all_failures, temporary, group);
  } catch (...) {
    if (group.is_root()) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      io::keep_on_signal(temporary);
    }
    throw;
  }
  if (group.is_root()) {
    std::filesystem::rename(temporary, cohort);
    io::keep_on_signal(temporary);
  }
  group.barrier();  // the cohort holds every result before any rank reads it
  return summary;
}

}  // namespace ldd::segflow
