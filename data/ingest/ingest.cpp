#include "data/ingest/ingest.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "base/check.h"
#include "data/cohort/cohort_file.h"
#include "data/io/csv.h"
#include "data/io/raw_volume.h"

namespace ldd::ingest {
namespace {

struct ImageEntry {
  std::filesystem::path image, mask;  // mask may be empty
  std::string where;                   // for messages
};

using Key = std::pair<std::string, int>;  // subject, visit

// The visit column may be called "visit" or "timepoint".
std::string visit_column(const io::CsvTable& t) { return t.has_column("visit") ? "visit" : "timepoint"; }

Visit parse_visit(const std::string& text, const std::string& where) {
  if (text == "baseline") return Visit::Baseline;
  if (text == "followup" || text == "follow-up") return Visit::FollowUp;
  LDD_FAIL(where << ": unknown visit '" << text << "'; accepted: baseline, followup");
}

std::string stem_of(const std::filesystem::path& p) {
  std::string name = p.filename().string();
  for (const char* ext : {".nii.gz", ".nii", ".mha", ".mhd"}) {
    const std::string e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return name.substr(0, name.size() - e.size());
  }
  return name;
}

std::map<Key, ImageEntry> images_from_manifest(const std::filesystem::path& csv) {
  const io::CsvTable t = io::CsvTable::read(csv);
  const std::string visit_col = visit_column(t);
  t.require_columns({"subject", visit_col, "image"});
  std::map<Key, ImageEntry> out;
  const auto base = csv.parent_path();
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string subject = t.cell(r, "subject");
    LDD_CHECK(!subject.empty() && subject.find('/') == std::string::npos,
              t.where(r, "subject") << ": subject id '" << subject << "' must be non-empty without '/'");
    const Visit visit = parse_visit(t.cell(r, visit_col), t.where(r, visit_col));
    ImageEntry e{base / t.cell(r, "image"), {}, t.where(r, "image")};
    if (t.has_column("vertebra_mask") && !t.cell(r, "vertebra_mask").empty()) e.mask = base / t.cell(r, "vertebra_mask");
    LDD_CHECK(std::filesystem::exists(e.image), e.where << ": image '" << e.image.string() << "' does not exist");
    LDD_CHECK(e.mask.empty() || std::filesystem::exists(e.mask),
              t.where(r, "vertebra_mask") << ": mask '" << e.mask.string() << "' does not exist");
    const bool inserted = out.emplace(Key{subject, static_cast<int>(visit)}, e).second;
    LDD_CHECK(inserted, t.where(r, "subject") << ": subject '" << subject << "' has a second " << t.cell(r, visit_col) << " image");
  }
  LDD_CHECK(!out.empty(), csv.string() << ": no image listed (a header and no rows); a cohort needs at least one");
  return out;
}

std::map<Key, ImageEntry> images_from_folder(const std::filesystem::path& folder, const std::string& mask_suffix) {
  LDD_CHECK(std::filesystem::is_directory(folder), "image folder '" << folder.string() << "' is not a folder");
  std::map<std::string, std::filesystem::path> images, masks;
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    const std::string stem = stem_of(p);
    const bool volume_file = stem != p.filename().string();
    if (!volume_file && !std::filesystem::is_directory(p)) continue;  // READMEs, CSVs, ...
    const bool is_mask = !mask_suffix.empty() && stem.size() > mask_suffix.size() &&
                         stem.compare(stem.size() - mask_suffix.size(), mask_suffix.size(), mask_suffix) == 0;
    if (is_mask) masks[stem.substr(0, stem.size() - mask_suffix.size())] = p;
    else images[stem] = p;
  }
  std::map<Key, ImageEntry> out;
  for (const auto& [subject, path] : images) out[Key{subject, 0}] = ImageEntry{path, {}, path.string()};
  for (const auto& [subject, path] : masks) {
    auto it = out.find(Key{subject, 0});
    LDD_CHECK(it != out.end(), "mask '" << path.string() << "' has no image '" << subject << "' beside it");
    it->second.mask = path;
  }
  LDD_CHECK(!out.empty(), "image folder '" << folder.string() << "' holds no .nii, .nii.gz, .mha, .mhd file or DICOM folder");
  return out;
}

int parse_grade(const std::string& text, Pathology p, const std::string& where) {
  if (text.empty()) return kMissingGrade;
  const GradeScale s = scale_of(p);
  int value = 0;
  std::size_t used = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  LDD_CHECK(used == text.size() && value >= s.lowest && value <= s.highest,
            where << ": " << s.name << " grade '" << text << "' is outside " << s.lowest << "-" << s.highest);
  return value;
}

void read_labels(const IngestOptions& o, const std::map<Key, ImageEntry>& images, std::map<std::string, SubjectRecord>& records,
                 IngestSummary& summary) {
  std::size_t& graded = summary.graded_discs;
  const io::CsvTable t = io::CsvTable::read(o.labels);
  const bool spider = o.labels_format == "spider";
  LDD_CHECK(spider || o.labels_format == "ldd", "unknown labels format '" << o.labels_format << "'; accepted: ldd, spider");
  const std::string visit_col = visit_column(t);
  if (spider) t.require_columns({"Patient", "level", "Pfirrman grade"});
  else t.require_columns({"subject", visit_col, "level"});
  // A study of one pathology need not carry the others' columns; a scale without a column is missing.
  std::vector<Pathology> scales;
  for (Pathology p : kAllPathologies)
    if (!spider && t.has_column(scale_of(p).name)) scales.push_back(p);
  LDD_CHECK(spider || !scales.empty(), o.labels.string() << ": no grade column; expected one or more of schneiderman, bulging, pfirrmann");
  std::set<std::tuple<std::string, int, int>> seen;
  std::set<std::string> labelled;
  std::map<std::string, std::size_t> outside;  // SPIDER rows at levels ldd does not grade
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string subject = t.cell(r, spider ? "Patient" : "subject");
    const Visit visit = spider ? Visit::Baseline : parse_visit(t.cell(r, visit_col), t.where(r, visit_col));
    const std::string level_name = t.cell(r, "level");
    if (spider && (level_name.rfind("T", 0) == 0 || level_name.rfind("S1-", 0) == 0)) {  // outside L1-L2..L5-S1
      ++outside[level_name];
      continue;
    }
    int level = 0;
    try {
      level = parse_level(level_name);
    } catch (const Error& e) {
      throw Error(t.where(r, "level") + ": " + e.what());
    }
    LDD_CHECK(images.count(Key{subject, static_cast<int>(visit)}),
              t.where(r, spider ? "Patient" : "subject") << ": subject '" << subject << "' has labels but no "
                                                          << kVisitNames[static_cast<std::size_t>(visit)] << " image");
    LDD_CHECK(seen.insert({subject, static_cast<int>(visit), level}).second,
              t.where(r, "level") << ": a second row for subject '" << subject << "', " << level_name);
    labelled.insert(subject);
    SubjectRecord& rec = records[subject];
    auto& grades = rec.grades[static_cast<std::size_t>(visit)];
    if (spider) {
      grades[static_cast<std::size_t>(Pathology::Pfirrmann)][static_cast<std::size_t>(level)] =
          parse_grade(t.cell(r, "Pfirrman grade"), Pathology::Pfirrmann, t.where(r, "Pfirrman grade"));
    } else {
      for (Pathology p : scales)
        grades[static_cast<std::size_t>(p)][static_cast<std::size_t>(level)] =
            parse_grade(t.cell(r, scale_of(p).name), p, t.where(r, scale_of(p).name));
    }
    ++graded;
  }
  for (const auto& [key, entry] : images)
    LDD_CHECK(labelled.count(key.first), entry.where << ": subject '" << key.first << "' has an image but no row in "
                                                     << o.labels.string());
  if (!outside.empty()) {
    std::string note = o.labels.string() + ": rows at levels outside L1-L2..L5-S1 not ingested:";
    for (const auto& [level, rows] : outside) note += " " + level + " " + std::to_string(rows) + ",";
    note.back() = '.';
    summary.notes.push_back(note);
  }
  if (spider) {
    std::string other;
    for (const auto& column : t.columns())
      if (column != "Patient" && column != "level" && column != "IVD label" && column != "Pfirrman grade") other += (other.empty() ? "" : ", ") + column;
    if (!other.empty()) summary.notes.push_back(o.labels.string() + ": only the Pfirrmann grade is ingested; not its other gradings (" + other + ")");
  }
}

void read_demographics(const std::filesystem::path& path, std::map<std::string, SubjectRecord>& records) {
  const io::CsvTable t = io::CsvTable::read(path);
  t.require_columns({"subject"});
  std::map<std::string, int> institutions;
  std::set<std::string> seen;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string subject = t.cell(r, "subject");
    LDD_CHECK(records.count(subject), t.where(r, "subject") << ": subject '" << subject << "' has no image");
    LDD_CHECK(seen.insert(subject).second, t.where(r, "subject") << ": a second row for subject '" << subject << "'");
    SubjectRecord& rec = records[subject];
    auto number = [&](const std::string& column, double low, double high) {
      const std::string& text = t.cell(r, column);
      if (text.empty()) return 0.0;
      double v = 0;
      std::size_t used = 0;
      try {
        v = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      LDD_CHECK(used == text.size() && v >= low && v <= high, t.where(r, column) << ": '" << text << "' is not a number in ["
                                                                                 << low << ", " << high << "]");
      return v;
    };
    if (t.has_column("age")) rec.age = number("age", 0, 120);
    if (t.has_column("bmi")) rec.bmi = number("bmi", 0, 100);
    if (t.has_column("sex")) {
      const std::string s = t.cell(r, "sex");
      LDD_CHECK(s.empty() || s == "F" || s == "M" || s == "f" || s == "m", t.where(r, "sex") << ": '" << s << "'; accepted: F, M, empty");
      rec.sex = s.empty() ? 'U' : static_cast<char>(std::toupper(s[0]));
    }
    if (t.has_column("institution") && !t.cell(r, "institution").empty())
      rec.institution = institutions.emplace(t.cell(r, "institution"), static_cast<int>(institutions.size())).first->second;
  }
}

}  // namespace

IngestSummary ingest(const IngestOptions& o, const std::function<void(std::int64_t, std::int64_t)>& progress) {
  LDD_CHECK(o.images.empty() != o.image_folder.empty(), "ingest: give exactly one of an images manifest CSV or an image folder");
  LDD_CHECK(!o.out.empty(), "ingest: no output cohort file given");
  const auto images = o.images.empty() ? images_from_folder(o.image_folder, o.mask_suffix) : images_from_manifest(o.images);

  // Records for every subject with an image; grades missing unless a labels file says otherwise.
  std::map<std::string, SubjectRecord> records;
  for (const auto& [key, entry] : images) {
    SubjectRecord& r = records[key.first];
    r.id = key.first;
    r.sex = 'U';
    for (auto& visit : r.grades)
      for (auto& pathology : visit) pathology.fill(kMissingGrade);
  }
  IngestSummary summary;
  if (!o.labels.empty()) read_labels(o, images, records, summary);
  if (!o.demographics.empty()) read_demographics(o.demographics, records);

  std::ostringstream config;
  config << "images: " << (o.images.empty() ? o.image_folder.string() : o.images.string()) << "\nlabels: " << o.labels.string()
         << "\nlabels_format: " << o.labels_format << "\ndemographics: " << o.demographics.string() << "\n";
  CohortWriter writer(o.out, {"ingest", config.str(), 0}, 4);
  std::int64_t done = 0;
  for (const auto& [id, record] : records) {
    writer.add_subject(record);
    ++summary.subjects;
    for (int visit = 0; visit < 2; ++visit) {
      const auto it = images.find(Key{id, visit});
      if (it == images.end()) continue;
      const io::RawVolume raw = io::read_volume(it->second.image);
      const Volume volume = io::to_cohort_volume(raw);
      writer.add_volume(id, static_cast<Visit>(visit), volume);
      ++summary.volumes;
      if (!it->second.mask.empty()) {
        const io::RawVolume mask = io::read_volume(it->second.mask);
        LDD_CHECK(mask.dims == raw.dims, "mask '" << it->second.mask.string() << "' is " << mask.dims[0] << "x" << mask.dims[1]
                                                  << "x" << mask.dims[2] << ", its image " << raw.dims[0] << "x" << raw.dims[1]
                                                  << "x" << raw.dims[2]);
        writer.add_true_vertebra_mask(id, static_cast<Visit>(visit), volume.shape, io::to_canonical_labels(mask));
        ++summary.masks;
      }
      if (progress) progress(++done, static_cast<std::int64_t>(images.size()));
    }
  }
  writer.commit();
  return summary;
}

}  // namespace ldd::ingest
