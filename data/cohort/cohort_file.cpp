#include "data/cohort/cohort_file.h"

#include <cmath>

#include "base/check.h"

namespace ldd {
namespace {

const char* kSpacingNames[3] = {"spacing_slice_mm", "spacing_row_mm", "spacing_col_mm"};

hdf5::Dims dims_of(const std::array<std::int64_t, 3>& shape) { return {shape[0], shape[1], shape[2]}; }

hdf5::DatasetOptions image_options(const std::array<std::int64_t, 3>& shape, int level) {
  hdf5::DatasetOptions o;
  o.chunk = {1, shape[1], shape[2]};  // one slice per chunk: a slice reads without decompressing others
  o.deflate_level = level;
  o.shuffle = level > 0;
  return o;
}

}  // namespace

std::vector<float> Volume::intensities() const {
  std::vector<float> out(voxels.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(voxels[i] * intensity_scale);
  return out;
}

std::string subject_group(const std::string& id) { return "/subjects/" + id; }
std::string visit_group(const std::string& id, Visit visit) {
  return subject_group(id) + "/" + kVisitNames[static_cast<std::size_t>(visit)];
}

CohortWriter::CohortWriter(const std::filesystem::path& path, const Provenance& p, int compression_level)
    : lock_(path, p.source), file_(hdf5::File::create(path)), compression_(compression_level) {
  file_.set_attribute("/", "format", std::string(kCohortFormat));
  file_.set_attribute("/", "version", kCohortVersion);
  file_.set_attribute("/", "software", std::string("ldd 0.1.0"));
  file_.set_attribute("/", "source", p.source);
  file_.set_attribute("/", "config", p.config);
  file_.set_attribute("/", "seed", static_cast<std::int64_t>(p.seed));
  file_.set_attribute("/", "orientation", std::string(kCanonicalOrientation));
  file_.create_group("/subjects");
}

void CohortWriter::add_subject(const SubjectRecord& s) {
  LDD_CHECK(!s.id.empty() && s.id.find('/') == std::string::npos,
            "subject id '" << s.id << "' must be non-empty and contain no '/'");
  const std::string g = subject_group(s.id);
  LDD_CHECK(!file_.exists(g), "subject '" << s.id << "' is already in the cohort");
  file_.create_group(g);
  file_.set_attribute(g, "age", s.age);
  file_.set_attribute(g, "sex", std::string(1, s.sex));
  file_.set_attribute(g, "bmi", s.bmi);
  file_.set_attribute(g, "institution", static_cast<std::int64_t>(s.institution));
  std::vector<std::int32_t> grades;
  for (const auto& visit : s.grades)
    for (const auto& pathology : visit)
      for (int g_value : pathology) grades.push_back(g_value);
  file_.write<std::int32_t>(g + "/grades", grades, {2, kPathologies, kLevels});
}

void CohortWriter::add_volume(const std::string& id, Visit visit, const Volume& v) {
  LDD_CHECK(file_.exists(subject_group(id)), "add_volume: subject '" << id << "' was not added first");
  LDD_CHECK(static_cast<std::int64_t>(v.voxels.size()) == v.shape[0] * v.shape[1] * v.shape[2],
            "add_volume: " << v.voxels.size() << " voxels for shape " << v.shape[0] << "x" << v.shape[1] << "x" << v.shape[2]);
  const std::string g = visit_group(id, visit);
  file_.write<std::uint16_t>(g + "/image", v.voxels, dims_of(v.shape), image_options(v.shape, compression_));
  for (int a = 0; a < 3; ++a) file_.set_attribute(g, kSpacingNames[a], v.spacing_mm[static_cast<std::size_t>(a)]);
  file_.set_attribute(g, "intensity_scale", v.intensity_scale);
}

void CohortWriter::add_true_vertebra_mask(const std::string& id, Visit visit, const std::array<std::int64_t, 3>& shape,
                                          const std::vector<std::uint8_t>& labels) {
  file_.write<std::uint8_t>(visit_group(id, visit) + "/truth/vertebra_mask", labels, dims_of(shape),
                            image_options(shape, std::max(compression_, 1)));
}

void CohortWriter::add_true_disc_centres(const std::string& id, Visit visit,
                                         const std::array<std::array<double, 2>, kLevels>& centres) {
  std::vector<double> flat;
  for (const auto& c : centres) flat.insert(flat.end(), c.begin(), c.end());
  file_.write<double>(visit_group(id, visit) + "/truth/disc_centres", flat, {kLevels, 2});
}

void CohortWriter::add_true_risk(const std::string& id, const std::array<float, kLevels>& propensity,
                                 const std::vector<float>& risk_signs, std::int64_t signs_per_disc) {
  LDD_CHECK(static_cast<std::int64_t>(risk_signs.size()) == kLevels * signs_per_disc,
            "add_true_risk: " << risk_signs.size() << " sign values for " << kLevels << " x " << signs_per_disc);
  file_.write<float>(subject_group(id) + "/truth/propensity", propensity, {kLevels});
  file_.write<float>(subject_group(id) + "/truth/risk_signs", risk_signs, {kLevels, signs_per_disc});
}

void CohortWriter::commit() { file_.commit(); }

CohortReader::CohortReader(const std::filesystem::path& path, bool writable)
    : file_(writable ? hdf5::File::open_read_write(path) : hdf5::File::open_read(path)) {
  LDD_CHECK(file_.has_attribute("/", "format") && file_.string_attribute("/", "format") == kCohortFormat,
            "'" << path.string() << "' is not an ldd cohort file (no format attribute '" << kCohortFormat << "')");
  const std::int64_t version = file_.int_attribute("/", "version");
  LDD_CHECK(version == kCohortVersion,
            "cohort '" << path.string() << "' has format version " << version << "; this build reads " << kCohortVersion);
}

std::vector<std::string> CohortReader::subject_ids() const { return file_.members("/subjects"); }

SubjectRecord CohortReader::subject(const std::string& id) const {
  const std::string g = subject_group(id);
  LDD_CHECK(file_.exists(g), "cohort '" << file_.path().string() << "' has no subject '" << id << "'");
  SubjectRecord s;
  s.id = id;
  // Every value is checked where it enters: a grade off its scale indexed past a one-hot vector, and an
  // infinite age surfaced as a NaN loss that blamed the learning rate.
  const auto bounded = [&](const char* name, double lowest, double highest) {
    const double value = file_.double_attribute(g, name);
    LDD_CHECK(std::isfinite(value) && value >= lowest && value <= highest,
              "cohort '" << file_.path().string() << "': " << g << " attribute " << name << " is " << value << ", not within "
                         << lowest << " to " << highest);
    return value;
  };
  s.age = bounded("age", 0, 150);
  const std::string sex = file_.string_attribute(g, "sex");
  s.sex = sex.empty() ? 'U' : sex[0];
  s.bmi = bounded("bmi", 0, 200);
  s.institution = static_cast<int>(file_.int_attribute(g, "institution"));
  hdf5::Dims dims;
  const auto grades = file_.read<std::int32_t>(g + "/grades", &dims);
  LDD_CHECK(dims == (hdf5::Dims{2, kPathologies, kLevels}),
            "cohort '" << file_.path().string() << "': " << g << "/grades must be 2 x 3 x 5");
  std::size_t i = 0;
  for (std::size_t visit = 0; visit < s.grades.size(); ++visit)
    for (Pathology p : kAllPathologies)
      for (int level = 0; level < kLevels; ++level) {
        const int value = grades[i++];
        const GradeScale scale = scale_of(p);
        LDD_CHECK(value == kMissingGrade || (value >= scale.lowest && value <= scale.highest),
                  "cohort '" << file_.path().string() << "': " << g << "/grades holds " << value << " for the " << kVisitNames[visit]
                             << " " << scale.name << " grade of " << kLevelNames[static_cast<std::size_t>(level)] << ", not "
                             << scale.lowest << "-" << scale.highest << " or " << kMissingGrade << " (missing)");
        s.grades[visit][static_cast<std::size_t>(p)][static_cast<std::size_t>(level)] = value;
      }
  return s;
}

bool CohortReader::has_volume(const std::string& id, Visit visit) const { return file_.exists(visit_group(id, visit) + "/image"); }

Volume CohortReader::volume(const std::string& id, Visit visit) const {
  const std::string g = visit_group(id, visit);
  Volume v;
  hdf5::Dims dims;
  v.voxels = file_.read<std::uint16_t>(g + "/image", &dims);
  LDD_CHECK(dims.size() == 3, "cohort '" << file_.path().string() << "': " << g << "/image is not 3-D");
  for (int a = 0; a < 3; ++a) {
    v.shape[static_cast<std::size_t>(a)] = dims[static_cast<std::size_t>(a)];
    const double spacing = v.spacing_mm[static_cast<std::size_t>(a)] = file_.double_attribute(g, kSpacingNames[a]);
    LDD_CHECK(std::isfinite(spacing) && spacing > 0, "cohort '" << file_.path().string() << "': " << g << " attribute " << kSpacingNames[a]
                                                                << " is " << spacing << ", not a positive size in mm");
  }
  v.intensity_scale = file_.double_attribute(g, "intensity_scale");
  LDD_CHECK(std::isfinite(v.intensity_scale) && v.intensity_scale > 0,
            "cohort '" << file_.path().string() << "': " << g << " attribute intensity_scale is " << v.intensity_scale << ", not positive");
  return v;
}

std::optional<std::vector<std::uint8_t>> CohortReader::true_vertebra_mask(const std::string& id, Visit visit) const {
  const std::string path = visit_group(id, visit) + "/truth/vertebra_mask";
  if (!file_.exists(path)) return std::nullopt;
  hdf5::Dims shape;
  auto mask = file_.read<std::uint8_t>(path, &shape);
  const std::string image = visit_group(id, visit) + "/image";
  LDD_CHECK(file_.exists(image) && shape == file_.shape(image), file_.path().string() << ": " << path << " does not have the shape of " << image);
  return mask;
}

std::optional<TrueRisk> CohortReader::true_risk(const std::string& id) const {
  const std::string group = subject_group(id) + "/truth";
  if (!file_.exists(group + "/propensity") || !file_.exists(group + "/risk_signs")) return std::nullopt;
  TrueRisk r;
  const auto propensity = file_.read<float>(group + "/propensity");
  LDD_CHECK(propensity.size() == kLevels, file_.path().string() << ": " << group << "/propensity has " << propensity.size()
                                                                 << " values, expected " << kLevels);
  std::copy(propensity.begin(), propensity.end(), r.propensity.begin());
  hdf5::Dims shape;
  r.signs = file_.read<float>(group + "/risk_signs", &shape);
  LDD_CHECK(shape.size() == 2 && shape[0] == kLevels, file_.path().string() << ": " << group << "/risk_signs is not levels x signs");
  r.signs_per_disc = shape[1];
  return r;
}

Provenance CohortReader::provenance() const {
  return {file_.string_attribute("/", "source"), file_.string_attribute("/", "config"),
          static_cast<std::uint64_t>(file_.int_attribute("/", "seed"))};
}

}  // namespace ldd
