#include "tests/fuzz/targets.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "base/check.h"
#include "base/hdf5/file.h"
#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "data/ingest/ingest.h"
#include "data/io/csv.h"
#include "data/io/raw_volume.h"
#include "data/io/text_file.h"
#include "data/synth/config.h"
#include "tests/support/image_files.h"
#include "train/disc_dataset.h"
#include "train/experiment_config.h"

namespace ldd::fuzz {
namespace {

namespace fs = std::filesystem;

void expect(bool ok, const std::string& what) {
  if (!ok) throw InvariantBroken(what);
}

void check_finite(const std::vector<float>& values, const std::string& what) {
  for (const float v : values) expect(std::isfinite(v), what + " holds a non-finite value");
}

// An accepted image: its sizes agree, its values and affine are finite, and what ingest makes of it too.
void check_image(const io::RawVolume& v) {
  std::int64_t n = 1;
  for (const auto d : v.dims) {
    expect(d >= 1, "a dimension below 1");
    n *= d;
  }
  expect(static_cast<std::int64_t>(v.values.size()) == n, "values.size() differs from the dimensions' product");
  check_finite(v.values, "the image");
  for (const auto& row : v.affine)
    for (const double a : row) expect(std::isfinite(a), "a non-finite affine");
  try {
    const Volume vol = io::to_cohort_volume(v);
    expect(static_cast<std::int64_t>(vol.voxels.size()) == vol.shape[0] * vol.shape[1] * vol.shape[2], "the volume's voxels differ from its shape");
    for (const double s : vol.spacing_mm) expect(std::isfinite(s) && s > 0, "a zero, negative or non-finite spacing");
    expect(std::isfinite(vol.intensity_scale) && vol.intensity_scale > 0, "a zero or non-finite intensity scale");
  } catch (const Error&) {
  }
  try {
    (void)io::to_canonical_labels(v);
  } catch (const Error&) {
  }
}

void run_ingest(const fs::path& work, const std::function<void(ingest::IngestOptions&)>& set) {
  ingest::IngestOptions o;
  o.image_folder = work / "images";
  o.out = work / "out.h5";
  set(o);
  fs::remove(o.out);
  try {
    ingest::ingest(o);
  } catch (...) {
    fs::remove(o.out);
    throw;
  }
  const CohortReader reader(o.out);
  for (const auto& id : reader.subject_ids()) (void)reader.subject(id);
  fs::remove(o.out);
}

// Every way ingest reads a CSV: ldd labels, SPIDER gradings, demographics. An input is refused when all
// three refuse it.
void run_csv(const fs::path& work) {
  const fs::path csv = work / "table.csv";
  std::string reasons;
  for (const auto& set : std::vector<std::function<void(ingest::IngestOptions&)>>{
           [&](ingest::IngestOptions& o) { o.labels = csv; },
           [&](ingest::IngestOptions& o) { o.labels = csv, o.labels_format = "spider"; },
           [&](ingest::IngestOptions& o) { o.demographics = csv; }}) {
    try {
      run_ingest(work, set);
    } catch (const Error& e) {
      reasons += (reasons.empty() ? "" : " / ") + std::string(e.what());
      continue;
    }
    reasons.clear();
    break;
  }
  // The table itself, cell by cell, with the messages that point at a cell.
  const auto table = io::CsvTable::read(csv);
  for (std::size_t r = 0; r < table.rows(); ++r)
    for (const auto& c : table.columns()) (void)table.where(r, c), (void)table.cell(r, c);
  if (!reasons.empty()) throw Error(reasons);
}

void run_yaml(const fs::path& work) {
  const fs::path yaml = work / "config.yaml";
  std::string reason;
  try {
    (void)train::load_experiment(yaml.string());
    return;
  } catch (const Error& e) {
    reason = e.what();
  }
  try {
    (void)synth::load_synth_config(yaml.string());
    return;
  } catch (const Error& e) {
    throw Error(reason + " / " + e.what());
  }
}

void run_cohort(const fs::path& work) {
  const fs::path path = work / "cohort.h5";
  {
    const CohortReader reader(path);
    (void)reader.provenance();
    for (const auto& id : reader.subject_ids()) {
      (void)reader.subject(id);
      (void)reader.true_risk(id);
      for (const Visit visit : {Visit::Baseline, Visit::FollowUp}) {
        if (!reader.has_volume(id, visit)) continue;
        const Volume v = reader.volume(id, visit);
        expect(static_cast<std::int64_t>(v.voxels.size()) == v.shape[0] * v.shape[1] * v.shape[2], "a volume's voxels differ from its shape");
        if (const auto mask = reader.true_vertebra_mask(id, visit)) expect(mask->size() == v.voxels.size(), "a true mask's size differs from its image");
      }
    }
  }
  if (!train::has_segflow_results(path)) return;
  // The stored crops' size, and another one, which cuts the crops again from the image and the boxes.
  for (const std::int64_t size : {8, 6}) {
    const auto data = train::load_discs(path, Pathology::Pfirrmann, train::Target::FollowUp, 1, size);
    expect(static_cast<std::int64_t>(data.crops.size()) == static_cast<std::int64_t>(data.samples.size()) * data.crop_numel(),
           "the crops differ from the samples");
    check_finite(data.crops, "a crop");
    for (const auto& s : data.samples) expect(s.subject < data.subjects.size() && s.level >= 0 && s.level < kLevels, "a sample out of range");
  }
}

// Every object of a cohort file below `group` (groups and datasets), in a fixed order.
void list_objects(const hdf5::File& file, const std::string& group, std::vector<std::string>& out) {
  for (const auto& name : file.members(group)) {
    const std::string path = (group == "/" ? "" : group) + "/" + name;
    out.push_back(path);
    try {
      list_objects(file, path, out);
    } catch (const Error&) {
      // a dataset: no members
    }
  }
}

// What an edit writes where a number goes: the values a reader must refuse or survive.
double special_value(std::uint8_t b) {
  constexpr double kValues[] = {NAN, INFINITY, -INFINITY, -1, 0, 1e30, -1e30, 255, 256, 65535, 65536, 2147483648.0, 0.5, 7, 1e-320, 6};
  return kValues[b % 16];
}

// One edit of the recipe, made through HDF5 (the file stays well-formed): remove an object, rewrite a
// dataset with another shape or type, put a special value into it, or set an attribute to a string, an
// integer or a special number. Returns how many recipe bytes it used.
std::size_t apply_edit(hdf5::File& file, const std::vector<std::string>& objects, const std::string& recipe, std::size_t at) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(at + k < recipe.size() ? recipe[at + k] : 0); };
  const std::string& object = objects[byte(1) % objects.size()];
  try {
    switch (byte(0) % 8) {
      case 0:
        file.remove(object);
        return 2;
      case 1: {  // another shape: rank 1-3, each dimension 0-9, values from the recipe
        const hdf5::Dims dims(static_cast<std::size_t>(1 + byte(2) % 3), static_cast<std::int64_t>(byte(3) % 10));
        std::int64_t n = 1;
        for (auto d : dims) n *= d;
        std::vector<float> values(static_cast<std::size_t>(n), static_cast<float>(special_value(byte(4))));
        file.remove(object);
        file.write<float>(object, values, dims);
        return 5;
      }
      case 2: {  // the same shape, one element special, written back as double
        hdf5::Dims dims;
        auto values = file.read<double>(object, &dims);
        if (!values.empty()) values[(static_cast<std::size_t>(byte(2)) * 257 + byte(3)) % values.size()] = special_value(byte(4));
        file.remove(object);
        file.write<double>(object, values, dims);
        return 5;
      }
      case 3: {  // the same values as another integer type
        hdf5::Dims dims;
        const auto values = file.read<double>(object, &dims);
        std::vector<std::int64_t> integers;
        for (double v : values) integers.push_back(std::isfinite(v) ? static_cast<std::int64_t>(std::clamp(v, -1e18, 1e18)) : -1);
        file.remove(object);
        file.write<std::int64_t>(object, integers, dims);
        return 2;
      }
      case 4:
      case 5:
      case 6: {  // an attribute of the object, one it has or a known name, as text, integer or number
        std::vector<std::string> names = file.attribute_names(object);
        for (const char* known : {"status", "naming_notes", "mean_width_mm", "naming_confident_positions", "spacing_mm", "age", "sex"})
          names.push_back(known);
        const std::string& name = names[byte(2) % names.size()];
        if (byte(0) % 8 == 4)
          file.set_attribute(object, name, std::string(byte(3) % 2 ? "ok" : "\xff not a value"));
        else if (byte(0) % 8 == 5)
          file.set_attribute(object, name, static_cast<std::int64_t>(std::abs(special_value(byte(3))) < 1e18 ? special_value(byte(3)) : -7));
        else
          file.set_attribute(object, name, special_value(byte(3)));
        return 4;
      }
      default:  // no edit: keeps the seed recipes' cohorts as written
        return 2;
    }
  } catch (const Error&) {
    return 2;  // an edit HDF5 refuses (a group read as a dataset, say) is skipped
  }
}

// The cohort's contents fuzzed, not its bytes: the fuzzed input is a recipe of up to 12 edits, applied
// through HDF5 to a copy of the seed cohort, then read as the byte-level target reads it. The byte-level
// target mostly meets libhdf5's checksums; this one tests our checks of shapes, types, ranges and
// attributes.
void run_cohort_content(const fs::path& work) {
  std::ifstream in(work / "edits.bin", std::ios::binary);
  const std::string recipe{std::istreambuf_iterator<char>(in), {}};
  fs::copy_file(work / "base.h5", work / "cohort.h5", fs::copy_options::overwrite_existing);
  {
    hdf5::File file = hdf5::File::open_read_write(work / "cohort.h5");
    std::vector<std::string> objects;
    list_objects(file, "/", objects);
    objects.push_back("/");
    for (std::size_t at = 0, edits = 0; at < recipe.size() && edits < 12; ++edits) at += apply_edit(file, objects, recipe, at);
  }
  run_cohort(work);
}

std::vector<Target> make_targets() {
  return {
      {"nifti", "input.nii", [](const fs::path& w) { check_image(io::read_nifti(w / "input.nii")); }},
      {"metaimage", "input.mha", [](const fs::path& w) { check_image(io::read_metaimage(w / "input.mha")); }},
      {"dicom", "series/slice0.dcm", [](const fs::path& w) { check_image(io::read_dicom_series(w / "series")); }},
      {"csv", "table.csv", run_csv},
      {"yaml", "config.yaml", run_yaml},
      {"cohort", "cohort.h5", run_cohort},
      {"cohort-content", "edits.bin", run_cohort_content},
  };
}

const std::array<std::string, 2> kSeedSubjects{"S0", "S1"};

void write_cohort_seed(const fs::path& path) {
  {
    CohortWriter writer(path, {"fuzz seed", "", 3});
    for (int i = 0; i < 2; ++i) {
      SubjectRecord record;
      record.id = kSeedSubjects[static_cast<std::size_t>(i)];
      record.age = 40 + i;
      for (int l = 0; l < kLevels; ++l) {
        record.grades[static_cast<std::size_t>(Visit::Baseline)][static_cast<std::size_t>(Pathology::Pfirrmann)][static_cast<std::size_t>(l)] = 2 + (l % 2);
        record.grades[static_cast<std::size_t>(Visit::FollowUp)][static_cast<std::size_t>(Pathology::Pfirrmann)][static_cast<std::size_t>(l)] = 3 + (l % 2);
      }
      writer.add_subject(record);
      std::vector<std::uint16_t> voxels(2 * 16 * 8);
      for (std::size_t v = 0; v < voxels.size(); ++v) voxels[v] = static_cast<std::uint16_t>(100 + v % 37);
      writer.add_volume(record.id, Visit::Baseline, {{2, 16, 8}, {4, 1, 1}, voxels, 0.5});
      writer.add_true_vertebra_mask(record.id, Visit::Baseline, {2, 16, 8}, std::vector<std::uint8_t>(voxels.size(), 1));
    }
    writer.commit();
  }
  CohortReader reader(path, true);
  auto& file = reader.file_for_update();
  for (int i = 0; i < 2; ++i) {
    SegflowResult result;
    result.shape = {2, 16, 8};
    result.vertebra_mask.assign(2 * 16 * 8, 1);
    for (int l = 0; l < kLevels; ++l)  // corner (slice, row, col), then the three edges
      result.boxes.push_back({{0.0f, 1.0f + 3.0f * static_cast<float>(l), 1.0f}, {{1.5f, 0.0f, 0.0f}, {0.0f, 3.0f, 0.0f}, {0.0f, 0.0f, 5.0f}}});
    result.found = {1, 1, 1, 1, i};
    result.crops.resize(kLevels * 8 * 8);
    for (std::size_t v = 0; v < result.crops.size(); ++v) result.crops[v] = static_cast<float>(v % 13);
    result.crop_shape = {1, 8, 8};
    result.mean_width_mm = 30.0;
    result.naming_confident_positions = 6;
    write_segflow_result(file, kSeedSubjects[static_cast<std::size_t>(i)], Visit::Baseline, result);
  }
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = make_targets();
  return all;
}

const Target& target(const std::string& name) {
  std::string known;
  for (const auto& t : targets()) {
    if (t.name == name) return t;
    known += (known.empty() ? "" : ", ") + t.name;
  }
  throw Error("unknown fuzz target '" + name + "' (known: " + known + ")");
}

void write_seeds(const fs::path& folder) {
  using namespace ldd::testing;
  const Stored sagittal = make_stored({0, 1, 2}, {false, false, false});
  const Stored turned = make_stored({2, 1, 0}, {true, false, true});
  fs::create_directories(folder / "nifti");
  write_nifti(sagittal, folder / "nifti" / "sagittal.nii");
  write_nifti(turned, folder / "nifti" / "turned.nii");
  fs::create_directories(folder / "metaimage");
  write_metaimage(sagittal, folder / "metaimage" / "sagittal.mha");
  write_metaimage_variant(turned, folder / "metaimage" / "compressed.mha", false);
  // A series of two slices: the fuzzed one beside an intact one.
  const fs::path series = folder / "dicom" / "series";
  write_dicom_series(sagittal, series);
  fs::create_directories(folder / "dicom" / "side" / "series");
  fs::rename(series / "slice0.dcm", folder / "dicom" / "slice0.dcm");
  fs::rename(series / "slice2.dcm", folder / "dicom" / "slice2.dcm");
  fs::rename(series / "slice1.dcm", folder / "dicom" / "side" / "series" / "slice1.dcm");
  fs::remove_all(series);
  fs::create_directories(folder / "csv" / "side" / "images");
  write_nifti(sagittal, folder / "csv" / "side" / "images" / "A.nii");
  io::write_text_atomically(folder / "csv" / "labels.csv", "subject,visit,level,schneiderman,bulging,pfirrmann\nA,baseline,L4-L5,1,0,3\nA,baseline,L5/S1,,2,5\n");
  io::write_text_atomically(folder / "csv" / "labels-semicolon.csv", "\xef\xbb\xbfsubject;timepoint;level;pfirrmann\nA;baseline;L1-L2;2\nA;baseline;L2L3;3\n");
  io::write_text_atomically(folder / "csv" / "spider.csv", "Patient,IVD label,Modic,Pfirrman grade,level\nA,1,0,3,L5-S1\nA,6,0,2,T12-L1\nA,2,1,4,L4-L5\n");
  io::write_text_atomically(folder / "csv" / "demographics.csv", "subject,age,sex,bmi,institution\nA,52,F,24.5,\"North, East\"\n");
  fs::create_directories(folder / "yaml");
  for (const char* name : {"pfirrmann.yaml", "spider-pfirrmann.yaml", "imbalance-quickstart.yaml"})
    fs::copy_file(fs::path(LDD_SOURCE_DIR) / "experiments" / name, folder / "yaml" / name, fs::copy_options::overwrite_existing);
  fs::copy_file(fs::path(LDD_SOURCE_DIR) / "data" / "synth" / "defaults.yaml", folder / "yaml" / "synth-defaults.yaml",
                fs::copy_options::overwrite_existing);
  fs::create_directories(folder / "cohort");
  write_cohort_seed(folder / "cohort" / "small.h5");
  // Recipes of edits to the same cohort (side/base.h5): none, and two that change nothing.
  fs::create_directories(folder / "cohort-content" / "side");
  write_cohort_seed(folder / "cohort-content" / "side" / "base.h5");
  io::write_text_atomically(folder / "cohort-content" / "none.bin", "");
  io::write_text_atomically(folder / "cohort-content" / "no-op.bin", std::string("\x07\x01\x0f\x02", 4));
}

}  // namespace ldd::fuzz
