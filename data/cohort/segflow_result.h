// SegFlow's result for one visit, /subjects/<id>/<visit>/segflow (data/SCHEMA.md): this file is the one
// writer and reader of that group, and of how disc boxes are packed into it. A result is replaced whole,
// never mixed with an earlier run's; what it holds is checked on reading, and an error names the cohort
// file, the dataset and what to run again.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/hdf5/file.h"
#include "data/cohort/record.h"
#include "kernels/crop_resize.h"

namespace ldd {

struct SegflowResult {
  std::array<std::int64_t, 3> shape{};       // the image's: slices, rows, cols
  std::vector<std::uint8_t> vertebra_mask;   // 1-6 L1..S1, 7 another vertebra (segflow/naming.h)
  std::vector<kernels::OrientedBox> boxes;   // per disc L1-L2 .. L5-S1; zeros where not found
  std::vector<std::int32_t> found;           // per disc: 1 found, 0 not
  std::vector<float> crops;                  // kLevels x crop_shape, in image intensity units
  std::array<std::int64_t, 3> crop_shape{};  // slices, rows, cols
  double mean_width_mm = 0;
  std::int64_t naming_confident_positions = 0;  // bodies from S1 up whose names are sure
  std::string naming_notes;
};

// What a reader needs to decide which discs to use, without the mask or the crops.
struct SegflowDiscs {
  std::string status;  // "ok" or "failed: <reason>"
  std::vector<std::int32_t> found;        // kLevels values when ok
  std::int64_t naming_confident_positions = 0;
  std::string naming_notes;
  bool ok() const { return status == "ok"; }
};

std::string segflow_group(const std::string& id, Visit visit);
bool has_segflow_result(const hdf5::File& cohort, const std::string& id, Visit visit);

// Replaces the visit's result; a failure keeps only its reason.
void write_segflow_result(hdf5::File& cohort, const std::string& id, Visit visit, const SegflowResult& result);
void write_segflow_failure(hdf5::File& cohort, const std::string& id, Visit visit, const std::string& reason);
void remove_segflow_result(hdf5::File& cohort, const std::string& id, Visit visit);

// Throws when the group is absent; disc_found must hold one value per level. A cohort from before the
// naming's confidence reads as sure of every body.
SegflowDiscs read_segflow_discs(const hdf5::File& cohort, const std::string& id, Visit visit);
// The disc boxes: kLevels finite boxes.
std::vector<kernels::OrientedBox> read_disc_boxes(const hdf5::File& cohort, const std::string& id, Visit visit);
// The stored crops when they have this shape (kLevels x slices x size x size), else none.
std::optional<std::vector<float>> read_stored_crops(const hdf5::File& cohort, const std::string& id, Visit visit,
                                                    std::int64_t slices, std::int64_t size);

// Boxes as the group stores them: 12 floats each, the corner then the three edge vectors.
// unpack_boxes throws when the count is not a multiple of 12.
std::vector<float> pack_boxes(const std::vector<kernels::OrientedBox>& boxes);
std::vector<kernels::OrientedBox> unpack_boxes(const std::vector<float>& values);

}  // namespace ldd
