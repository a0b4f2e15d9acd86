// The HDF5 cohort file (layout: data/SCHEMA.md). CohortWriter streams subjects into a new file, written
// under a temporary name and renamed by commit(); CohortReader reads subjects, grades and volumes back.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/hdf5/file.h"
#include "data/io/file_lock.h"
#include "data/cohort/record.h"

namespace ldd {

inline constexpr const char* kCohortFormat = "ldd-cohort";
inline constexpr std::int64_t kCohortVersion = 1;
// Canonical orientation of every stored volume: axis 0 slices left -> right, axis 1 rows
// cranial -> caudal, axis 2 columns anterior -> posterior.
inline constexpr const char* kCanonicalOrientation = "LR,SI,AP";

struct Provenance {
  std::string source;   // "synth" or "ingest"
  std::string config;   // the generating or ingest configuration, as text
  std::uint64_t seed = 0;
};

struct Volume {
  std::array<std::int64_t, 3> shape{};       // slices, rows, cols
  std::array<double, 3> spacing_mm{};        // between slice centres, rows, cols
  std::vector<std::uint16_t> voxels;         // intensity = voxel * intensity_scale
  double intensity_scale = 1.0;

  // The voxels in intensity units (voxel * intensity_scale), as floats.
  std::vector<float> intensities() const;
};

// Synthetic ground truth of progression risk, per disc (evaluation only: the oracles of a report).
struct TrueRisk {
  std::array<float, kLevels> propensity{};
  std::vector<float> signs;  // levels x signs_per_disc
  std::int64_t signs_per_disc = 0;
};

class CohortWriter {
 public:
  CohortWriter(const std::filesystem::path& path, const Provenance& provenance, int compression_level = 1);
  void add_subject(const SubjectRecord& subject);
  void add_volume(const std::string& subject_id, Visit visit, const Volume& volume);
  // Ground truth of synthetic cohorts: evaluation only, never an input of the pipeline.
  void add_true_vertebra_mask(const std::string& subject_id, Visit visit, const std::array<std::int64_t, 3>& shape,
                              const std::vector<std::uint8_t>& labels);
  // (row, col) pixel position of each disc's centre L1-L2 .. L5-S1 on the mid-sagittal plane.
  void add_true_disc_centres(const std::string& subject_id, Visit visit, const std::array<std::array<double, 2>, kLevels>& centres);
  // The hidden per-disc propensity, and the amounts of the risk signs the baseline image shows
  // (levels x signs, row-major; data/synth/risk_signs.h).
  void add_true_risk(const std::string& subject_id, const std::array<float, kLevels>& propensity,
                     const std::vector<float>& risk_signs, std::int64_t signs_per_disc);
  void commit();

 private:
  io::FileLock lock_;  // a second writer of this cohort (synth, ingest, segflow) stops at once, naming this one
  hdf5::File file_;
  int compression_;
};

class CohortReader {
 public:
  // writable: later stages add their groups through file_for_update() (one HDF5 handle per file).
  explicit CohortReader(const std::filesystem::path& path, bool writable = false);
  std::vector<std::string> subject_ids() const;
  SubjectRecord subject(const std::string& id) const;
  bool has_volume(const std::string& id, Visit visit) const;
  Volume volume(const std::string& id, Visit visit) const;
  std::optional<std::vector<std::uint8_t>> true_vertebra_mask(const std::string& id, Visit visit) const;
  // A synthetic subject's hidden propensity and rendered risk signs; nullopt for real subjects.
  std::optional<TrueRisk> true_risk(const std::string& id) const;
  Provenance provenance() const;
  const hdf5::File& file() const { return file_; }
  hdf5::File& file_for_update() { return file_; }

 private:
  hdf5::File file_;
};

std::string subject_group(const std::string& id);
std::string visit_group(const std::string& id, Visit visit);

}  // namespace ldd
