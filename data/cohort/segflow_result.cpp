#include "data/cohort/segflow_result.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "data/cohort/cohort_file.h"

namespace ldd {
namespace {

std::string again(const hdf5::File& cohort) { return "run `segflow --cohort " + cohort.path().string() + "` again"; }

}  // namespace

std::string segflow_group(const std::string& id, Visit visit) { return visit_group(id, visit) + "/segflow"; }

bool has_segflow_result(const hdf5::File& cohort, const std::string& id, Visit visit) {
  return cohort.exists(segflow_group(id, visit));
}

void remove_segflow_result(hdf5::File& cohort, const std::string& id, Visit visit) { cohort.remove(segflow_group(id, visit)); }

void write_segflow_result(hdf5::File& cohort, const std::string& id, Visit visit, const SegflowResult& r) {
  const std::string group = segflow_group(id, visit);
  const auto [slices, rows, cols] = r.shape;
  const auto [crop_slices, crop_rows, crop_cols] = r.crop_shape;
  LDD_CHECK(r.boxes.size() == kLevels && r.found.size() == kLevels, "SegFlow result of " << id << ": " << r.boxes.size() << " boxes and "
                                                                                          << r.found.size() << " found flags, expected " << kLevels);
  remove_segflow_result(cohort, id, visit);
  cohort.write<std::uint8_t>(group + "/vertebra_mask", r.vertebra_mask, {slices, rows, cols},
                             {.chunk = {1, rows, cols}, .deflate_level = 4, .shuffle = false});
  cohort.write<float>(group + "/disc_boxes", pack_boxes(r.boxes), {kLevels, 12});
  cohort.write<std::int32_t>(group + "/disc_found", r.found, {kLevels});
  cohort.write<float>(group + "/crops", r.crops, {kLevels, crop_slices, crop_rows, crop_cols},
                      {.chunk = {1, crop_slices, crop_rows, crop_cols}, .deflate_level = 4, .shuffle = true});
  cohort.set_attribute(group, "status", std::string("ok"));
  cohort.set_attribute(group, "mean_width_mm", r.mean_width_mm);
  cohort.set_attribute(group, "naming_confident_positions", r.naming_confident_positions);
  cohort.set_attribute(group, "naming_notes", r.naming_notes);
}

void write_segflow_failure(hdf5::File& cohort, const std::string& id, Visit visit, const std::string& reason) {
  const std::string group = segflow_group(id, visit);
  remove_segflow_result(cohort, id, visit);
  cohort.create_group(group);
  cohort.set_attribute(group, "status", "failed: " + reason);
}

SegflowDiscs read_segflow_discs(const hdf5::File& cohort, const std::string& id, Visit visit) {
  const std::string group = segflow_group(id, visit);
  LDD_CHECK(cohort.exists(group), cohort.path().string() << ": " << id << " has no SegFlow result (" << group << "); run `segflow --cohort "
                                                         << cohort.path().string() << "` first");
  SegflowDiscs s;
  s.status = cohort.string_attribute(group, "status");
  if (!s.ok()) return s;
  s.found = cohort.read<std::int32_t>(group + "/disc_found");
  LDD_CHECK(s.found.size() == static_cast<std::size_t>(kLevels), cohort.path().string() << ": " << group << "/disc_found has " << s.found.size()
                                                                                        << " values, expected " << kLevels
                                                                                        << " (one per level L1-L2 .. L5-S1); " << again(cohort));
  s.naming_confident_positions = cohort.has_attribute(group, "naming_confident_positions")
                                     ? cohort.int_attribute(group, "naming_confident_positions")
                                     : std::int64_t{kLevels + 1};  // cohorts from before the naming's confidence
  s.naming_notes = cohort.has_attribute(group, "naming_notes") ? cohort.string_attribute(group, "naming_notes") : "";
  return s;
}

std::vector<kernels::OrientedBox> read_disc_boxes(const hdf5::File& cohort, const std::string& id, Visit visit) {
  const std::string dataset = segflow_group(id, visit) + "/disc_boxes";
  const auto flat = cohort.read<float>(dataset);
  LDD_CHECK(flat.size() == kLevels * 12u, cohort.path().string() << ": " << dataset << " has " << flat.size() << " values, expected " << kLevels * 12);
  LDD_CHECK(std::all_of(flat.begin(), flat.end(), [](float v) { return std::isfinite(v); }),
            cohort.path().string() << ": " << dataset << " holds NaN or infinite values; run segflow on the cohort again");
  return unpack_boxes(flat);
}

std::optional<std::vector<float>> read_stored_crops(const hdf5::File& cohort, const std::string& id, Visit visit, std::int64_t slices,
                                                    std::int64_t size) {
  const std::string dataset = segflow_group(id, visit) + "/crops";
  if (cohort.shape(dataset) != hdf5::Dims{kLevels, slices, size, size}) return std::nullopt;
  return cohort.read<float>(dataset);
}

std::vector<float> pack_boxes(const std::vector<kernels::OrientedBox>& boxes) {
  std::vector<float> out;
  for (const auto& b : boxes) {
    out.insert(out.end(), b.corner, b.corner + 3);
    for (const auto& axis : b.axes) out.insert(out.end(), axis, axis + 3);
  }
  return out;
}

std::vector<kernels::OrientedBox> unpack_boxes(const std::vector<float>& values) {
  LDD_CHECK(values.size() % 12 == 0, "disc boxes: " << values.size() << " values, not 12 per box");
  std::vector<kernels::OrientedBox> out(values.size() / 12);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float* v = values.data() + 12 * i;
    std::copy(v, v + 3, out[i].corner);
    for (int a = 0; a < 3; ++a) std::copy(v + 3 + 3 * a, v + 6 + 3 * a, out[i].axes[a]);
  }
  return out;
}

}  // namespace ldd
