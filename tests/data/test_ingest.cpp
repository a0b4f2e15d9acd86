// Ingest: every reader against volumes written here with known orientations (NIfTI through the NIfTI
// library, MetaImage by hand, DICOM through GDCM), each bad input's error, and the shared real data.
#include <doctest/doctest.h>
#include <gdcmDataElement.h>
#include <gdcmImageWriter.h>
#include <gdcmMediaStorage.h>
#include <gdcmReader.h>
#include <gdcmWriter.h>
#include <nifti2_io.h>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>

#include "data/cohort/cohort_file.h"
#include "data/ingest/ingest.h"
#include "data/io/raw_volume.h"
#include "kernels/check.h"
#include "tests/support/temp_dir.h"

using namespace ldd;
using ldd::testing::TempDir;

namespace {

// A canonical volume (slices, rows, cols) with distinct values, and how a file stores it: stored axis a
// is canonical axis target[a], reversed when flip[a].
constexpr std::array<std::int64_t, 3> kCanonical{3, 5, 4};
constexpr std::array<double, 3> kSpacing{4.0, 0.5, 0.75};

struct Stored {
  std::array<std::int64_t, 3> dims;
  std::vector<float> values;                     // stored order, first index fastest
  std::array<std::array<double, 3>, 3> ras_dir;  // RAS direction of each stored axis (unit)
  std::array<double, 3> spacing;
  std::array<double, 3> origin{10, -20, 30};     // RAS position of voxel (0, 0, 0)
};

float canonical_value(std::int64_t s, std::int64_t r, std::int64_t c) { return static_cast<float>(100 * s + 10 * r + c + 1); }

Stored make_stored(std::array<int, 3> target, std::array<bool, 3> flip) {
  // RAS direction of the canonical axes: slices +x, rows -z, cols -y.
  static constexpr std::array<std::array<double, 3>, 3> kAxis{{{1, 0, 0}, {0, 0, -1}, {0, -1, 0}}};
  Stored st;
  for (std::size_t a = 0; a < 3; ++a) {
    const auto t = static_cast<std::size_t>(target[a]);
    st.dims[a] = kCanonical[t];
    st.spacing[a] = kSpacing[t];
    for (std::size_t w = 0; w < 3; ++w) st.ras_dir[a][w] = (flip[a] ? -1.0 : 1.0) * kAxis[t][w];
  }
  for (std::int64_t k = 0; k < st.dims[2]; ++k)
    for (std::int64_t j = 0; j < st.dims[1]; ++j)
      for (std::int64_t i = 0; i < st.dims[0]; ++i) {
        const std::array<std::int64_t, 3> idx{i, j, k};
        std::array<std::int64_t, 3> c{};
        for (std::size_t a = 0; a < 3; ++a) c[static_cast<std::size_t>(target[a])] = flip[a] ? st.dims[a] - 1 - idx[a] : idx[a];
        st.values.push_back(canonical_value(c[0], c[1], c[2]));
      }
  return st;
}

void write_nifti(const Stored& st, const std::filesystem::path& path) {
  const int64_t dims[8] = {3, st.dims[0], st.dims[1], st.dims[2], 1, 1, 1, 1};
  nifti_image* nim = nifti_make_new_nim(dims, DT_FLOAT32, 1);
  std::copy(st.values.begin(), st.values.end(), static_cast<float*>(nim->data));
  nim->sform_code = 1;
  nim->qform_code = 0;
  for (int w = 0; w < 3; ++w) {
    for (int a = 0; a < 3; ++a) nim->sto_xyz.m[w][a] = st.ras_dir[static_cast<std::size_t>(a)][static_cast<std::size_t>(w)] * st.spacing[static_cast<std::size_t>(a)];
    nim->sto_xyz.m[w][3] = st.origin[static_cast<std::size_t>(w)];
  }
  nim->pixdim[1] = st.spacing[0];
  nim->pixdim[2] = st.spacing[1];
  nim->pixdim[3] = st.spacing[2];
  nifti_set_filenames(nim, path.c_str(), 0, 1);
  nifti_image_write(nim);
  nifti_image_free(nim);
}

void write_metaimage(const Stored& st, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  out << "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\nTransformMatrix =";
  for (std::size_t a = 0; a < 3; ++a)  // row a: LPS direction of axis a
    for (std::size_t w = 0; w < 3; ++w) out << " " << (w < 2 ? -1.0 : 1.0) * st.ras_dir[a][w];
  out << "\nOffset = " << -st.origin[0] << " " << -st.origin[1] << " " << st.origin[2] << "\nElementSpacing = " << st.spacing[0]
      << " " << st.spacing[1] << " " << st.spacing[2] << "\nDimSize = " << st.dims[0] << " " << st.dims[1] << " " << st.dims[2]
      << "\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
  out.write(reinterpret_cast<const char*>(st.values.data()), static_cast<std::streamsize>(st.values.size() * sizeof(float)));
}

// The same image as a .mhd header beside a raw file, or as a zlib-compressed .mha.
void write_metaimage_variant(const Stored& st, const std::filesystem::path& path, bool separate_raw) {
  write_metaimage(st, path);
  std::ifstream in(path, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  const std::size_t data_at = text.find("ElementDataFile = LOCAL\n") + std::string("ElementDataFile = LOCAL\n").size();
  const std::string header = text.substr(0, data_at - std::string("ElementDataFile = LOCAL\n").size());
  const std::string data = text.substr(data_at);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (separate_raw) {
    const auto raw = path.filename().string() + ".raw";
    std::ofstream(path.parent_path() / raw, std::ios::binary) << data;
    out << header << "ElementDataFile = " << raw << "\n";
  } else {
    std::vector<Bytef> packed(compressBound(data.size()));
    uLongf size = packed.size();
    compress(packed.data(), &size, reinterpret_cast<const Bytef*>(data.data()), data.size());
    out << header << "CompressedData = True\nCompressedDataSize = " << size << "\nElementDataFile = LOCAL\n";
    out.write(reinterpret_cast<const char*>(packed.data()), static_cast<std::streamsize>(size));
  }
}

void write_dicom_series(const Stored& st, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  auto lps = [](const std::array<double, 3>& ras) { return std::array<double, 3>{-ras[0], -ras[1], ras[2]}; };
  const auto row = lps(st.ras_dir[0]), col = lps(st.ras_dir[1]), normal = lps(st.ras_dir[2]);
  const auto origin = lps(st.origin);
  for (std::int64_t k = st.dims[2] - 1; k >= 0; --k) {  // written in reverse: the reader must sort
    gdcm::ImageWriter writer;
    gdcm::Image& image = writer.GetImage();
    image.SetNumberOfDimensions(3);  // with 2, GDCM keeps only two origin coordinates
    image.SetDimension(2, 1);
    image.SetDimension(0, static_cast<unsigned>(st.dims[0]));
    image.SetDimension(1, static_cast<unsigned>(st.dims[1]));
    image.SetPixelFormat(gdcm::PixelFormat::UINT16);
    image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
    const double cosines[6] = {row[0], row[1], row[2], col[0], col[1], col[2]};
    image.SetDirectionCosines(cosines);
    const double position[3] = {origin[0] + k * st.spacing[2] * normal[0], origin[1] + k * st.spacing[2] * normal[1],
                                origin[2] + k * st.spacing[2] * normal[2]};
    image.SetOrigin(position);
    const double spacing[3] = {st.spacing[0], st.spacing[1], st.spacing[2]};
    image.SetSpacing(spacing);
    std::vector<std::uint16_t> pixels(static_cast<std::size_t>(st.dims[0] * st.dims[1]));
    for (std::size_t p = 0; p < pixels.size(); ++p)
      pixels[p] = static_cast<std::uint16_t>(st.values[static_cast<std::size_t>(k) * pixels.size() + p]);
    gdcm::DataElement data(gdcm::Tag(0x7fe0, 0x0010));
    data.SetByteValue(reinterpret_cast<const char*>(pixels.data()), static_cast<std::uint32_t>(pixels.size() * 2));
    image.SetDataElement(data);
    gdcm::DataSet& ds = writer.GetFile().GetDataSet();
    const char* mr = gdcm::MediaStorage::GetMSString(gdcm::MediaStorage::MRImageStorage);
    gdcm::DataElement sop(gdcm::Tag(0x0008, 0x0016));
    sop.SetByteValue(mr, static_cast<std::uint32_t>(std::strlen(mr)));
    ds.Insert(sop);
    writer.SetFileName((folder / ("slice" + std::to_string(k) + ".dcm")).c_str());
    REQUIRE(writer.Write());
  }
}

// A copy of a DICOM series with each file's data set edited and written back as it is (gdcm::Writer keeps
// the data set; ImageWriter would write the image's attributes afresh).
void edited_dicom_copy(const std::filesystem::path& from, const std::filesystem::path& to, const std::function<void(gdcm::DataSet&)>& edit) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
  for (const auto& entry : std::filesystem::directory_iterator(to)) {
    gdcm::Reader reader;
    reader.SetFileName(entry.path().c_str());
    REQUIRE(reader.Read());
    edit(reader.GetFile().GetDataSet());
    gdcm::Writer writer;
    writer.SetFile(reader.GetFile());
    writer.SetFileName(entry.path().c_str());
    REQUIRE(writer.Write());
  }
}

// Where GDCM's ImageWriter puts the spacings of the files written here: the Pixel Measures (0028,9110) of
// the Shared Functional Groups (5200,9229), as an enhanced file has them.
gdcm::DataSet& pixel_measures(gdcm::DataSet& ds) {
  const auto shared = ds.GetDataElement(gdcm::Tag(0x5200, 0x9229)).GetValueAsSQ();
  REQUIRE(shared);
  const auto measures = shared->GetItem(1).GetNestedDataSet().GetDataElement(gdcm::Tag(0x0028, 0x9110)).GetValueAsSQ();
  REQUIRE(measures);
  return measures->GetItem(1).GetNestedDataSet();
}

void set_element(gdcm::DataSet& ds, std::uint16_t group, std::uint16_t element, gdcm::VR vr, const std::string& bytes) {
  gdcm::DataElement e(gdcm::Tag(group, element));
  e.SetVR(vr);
  e.SetByteValue(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  ds.Replace(e);
}

void check_canonical(const Volume& v) {
  REQUIRE(v.shape == kCanonical);
  for (std::size_t a = 0; a < 3; ++a) CHECK(v.spacing_mm[a] == doctest::Approx(kSpacing[a]));
  for (std::int64_t s = 0; s < 3; ++s)
    for (std::int64_t r = 0; r < 5; ++r)
      for (std::int64_t c = 0; c < 4; ++c)
        CHECK(v.voxels[static_cast<std::size_t>((s * 5 + r) * 4 + c)] * v.intensity_scale == canonical_value(s, r, c));
}

// Orientations seen in practice: sagittal DICOM/ITK order, NIfTI radiological flips, axial-like permutations.
const std::vector<std::pair<std::array<int, 3>, std::array<bool, 3>>> kOrientations{
    {{0, 1, 2}, {false, false, false}}, {{2, 1, 0}, {true, false, true}}, {{1, 2, 0}, {false, true, false}},
    {{2, 0, 1}, {true, true, true}},    {{0, 2, 1}, {false, false, true}}};

}  // namespace

TEST_CASE("NIfTI / MetaImage and DICOM volumes are reoriented to slices L-R / rows S-I / cols A-P") {
  TempDir dir;
  int n = 0;
  for (const auto& [target, flip] : kOrientations) {
    const Stored st = make_stored(target, flip);
    const std::string tag = std::to_string(n++);
    write_nifti(st, dir / ("v" + tag + ".nii.gz"));
    write_metaimage(st, dir / ("v" + tag + ".mha"));
    write_dicom_series(st, dir / ("dicom" + tag));
    write_metaimage_variant(st, dir / ("v" + tag + ".mhd"), true);
    write_metaimage_variant(st, dir / ("z" + tag + ".mha"), false);
    for (const auto& path : {dir / ("v" + tag + ".nii.gz"), dir / ("v" + tag + ".mha"), dir / ("dicom" + tag),
                             dir / ("v" + tag + ".mhd"), dir / ("z" + tag + ".mha")}) {
      INFO("orientation " << tag << ", file " << path.filename().string());
      check_canonical(io::to_cohort_volume(io::read_volume(path)));
    }
  }
}

namespace {

// A valid little study: two subjects, baseline + follow-up for one, with labels and demographics.
struct Study {
  TempDir dir;
  Study() {
    const Stored st = make_stored({0, 1, 2}, {false, false, false});
    write_nifti(st, dir / "a0.nii.gz");
    write_metaimage(st, dir / "a1.mha");
    write_dicom_series(st, dir / "b0");
    write("images.csv", "subject,visit,image\nA,baseline,a0.nii.gz\nA,followup,a1.mha\nB,baseline,b0\n");
    write("labels.csv", "subject,timepoint,level,schneiderman,bulging,pfirrmann\nA,baseline,L4-L5,1,0,3\nA,followup,L4-L5,2,1,4\n"
                        "B,baseline,L5-S1,,2,5\n");
    write("demo.csv", "subject,age,sex,bmi,institution\nA,51.5,F,22.5,Hospital X\nB,38,M,,Hospital Y\n");
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
  ingest::IngestOptions options() const {
    ingest::IngestOptions o;
    o.images = dir / "images.csv";
    o.labels = dir / "labels.csv";
    o.demographics = dir / "demo.csv";
    o.out = dir / "out.h5";
    return o;
  }
  // Runs ingest expecting an error containing `text`, and checks no output is left behind.
  void expect_error(const ingest::IngestOptions& o, const std::string& text) const {
    CHECK_THROWS_WITH_AS(ingest::ingest(o), doctest::Contains(text.c_str()), Error);
    CHECK(!std::filesystem::exists(o.out));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
      CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }
};

}  // namespace

TEST_CASE("a small study ingests with grades / demographics and both visits" * doctest::test_suite("smoke")) {
  Study study;
  const auto summary = ingest::ingest(study.options());
  CHECK(summary.subjects == 2);
  CHECK(summary.volumes == 3);
  CHECK(summary.graded_discs == 3);
  const CohortReader reader(study.dir / "out.h5");
  CHECK(reader.provenance().source == "ingest");
  const SubjectRecord a = reader.subject("A");
  CHECK(a.age == 51.5);
  CHECK(a.sex == 'F');
  CHECK(a.grade(Visit::Baseline, Pathology::Pfirrmann, 3) == 3);
  CHECK(a.grade(Visit::FollowUp, Pathology::Schneiderman, 3) == 2);
  CHECK(a.grade(Visit::Baseline, Pathology::Pfirrmann, 0) == kMissingGrade);
  const SubjectRecord b = reader.subject("B");
  CHECK(b.grade(Visit::Baseline, Pathology::Schneiderman, 4) == kMissingGrade);
  CHECK(b.grade(Visit::Baseline, Pathology::Bulging, 4) == 2);
  CHECK(b.institution == 1);
  CHECK(!reader.has_volume("B", Visit::FollowUp));
  check_canonical(reader.volume("A", Visit::FollowUp));
  check_canonical(reader.volume("B", Visit::Baseline));
}

TEST_CASE("a labels CSV of one pathology, with Excel's semicolons and another level spelling, ingests") {
  Study study;
  auto o = study.options();
  study.write("labels_pfirrmann.csv", "subject;visit;level;pfirrmann\nA;baseline;L4/L5;3\nA;followup;L4-L5;4\nB;baseline;L5S1;2\n");
  o.labels = study.dir / "labels_pfirrmann.csv";
  ingest::ingest(o);
  const CohortReader reader(study.dir / "out.h5");
  CHECK(reader.subject("A").grade(Visit::Baseline, Pathology::Pfirrmann, 3) == 3);
  CHECK(reader.subject("A").grade(Visit::FollowUp, Pathology::Pfirrmann, 3) == 4);
  CHECK(reader.subject("B").grade(Visit::Baseline, Pathology::Pfirrmann, 4) == 2);
  CHECK(reader.subject("A").grade(Visit::Baseline, Pathology::Schneiderman, 3) == kMissingGrade);  // no column: missing
  study.write("labels_no_grade.csv", "subject,visit,level\nA,baseline,L4-L5\nB,baseline,L5-S1\n");
  o.labels = study.dir / "labels_no_grade.csv";
  std::filesystem::remove(study.dir / "out.h5");
  study.expect_error(o, "no grade column; expected one or more of schneiderman, bulging, pfirrmann");
}

TEST_CASE("SPIDER's gradings: what is not ingested is said (levels outside L1-L2..L5-S1, the other gradings)") {
  Study study;
  auto o = study.options();
  study.write("images_baselines.csv", "subject,visit,image\nA,baseline,a0.nii.gz\nB,baseline,b0\n");
  study.write("spider.csv", "Patient,IVD label,Modic,Pfirrman grade,level\nA,1,0,3,L5-S1\nA,6,0,2,T12-L1\nB,7,0,2,T11-T12\nB,1,1,4,L5-S1\n");
  o.images = study.dir / "images_baselines.csv";
  o.labels = study.dir / "spider.csv";
  o.labels_format = "spider";
  o.demographics.clear();
  const auto summary = ingest::ingest(o);
  CHECK(summary.graded_discs == 2);
  REQUIRE(summary.notes.size() == 2);
  CHECK(summary.notes[0].find("rows at levels outside L1-L2..L5-S1 not ingested: T11-T12 1, T12-L1 1.") != std::string::npos);
  CHECK(summary.notes[1].find("only the Pfirrmann grade is ingested; not its other gradings (Modic)") != std::string::npos);
  CHECK(CohortReader(study.dir / "out.h5").subject("B").grade(Visit::Baseline, Pathology::Pfirrmann, 4) == 4);
}

TEST_CASE("bad ingest input gets an error naming the file and field and leaves no output") {
  Study study;
  const auto o = study.options();
  study.write("labels_bad_level.csv", "subject,visit,level,schneiderman,bulging,pfirrmann\nA,baseline,L6-L7,1,0,3\nB,baseline,L5-S1,0,0,2\n");
  study.write("labels_bad_grade.csv", "subject,visit,level,schneiderman,bulging,pfirrmann\nA,baseline,L4-L5,1,0,7\nB,baseline,L5-S1,0,0,2\n");
  study.write("labels_duplicate.csv", "subject,visit,level,schneiderman,bulging,pfirrmann\nA,baseline,L4-L5,1,0,3\nA,baseline,L4-L5,1,0,3\nB,baseline,L5-S1,0,0,2\n");
  study.write("labels_no_image.csv", "subject,visit,level,schneiderman,bulging,pfirrmann\nA,baseline,L4-L5,1,0,3\nB,baseline,L5-S1,0,0,2\nC,baseline,L1-L2,0,0,2\n");
  study.write("labels_missing_subject.csv", "subject,visit,level,schneiderman,bulging,pfirrmann\nA,baseline,L4-L5,1,0,3\n");
  auto with_labels = [&](const std::string& name) {
    auto x = o;
    x.labels = study.dir / name;
    return x;
  };
  study.expect_error(with_labels("labels_bad_level.csv"), "labels_bad_level.csv, line 2, column 'level': unknown disc level 'L6-L7'");
  study.expect_error(with_labels("labels_bad_grade.csv"), "line 2, column 'pfirrmann': pfirrmann grade '7' is outside 1-5");
  study.expect_error(with_labels("labels_duplicate.csv"), "line 3, column 'level': a second row for subject 'A', L4-L5");
  study.expect_error(with_labels("labels_no_image.csv"), "line 4, column 'subject': subject 'C' has labels but no baseline image");
  study.expect_error(with_labels("labels_missing_subject.csv"), "subject 'B' has an image but no row in");

  study.write("images_missing.csv", "subject,visit,image\nA,baseline,nowhere.nii.gz\n");
  auto images = o;
  images.images = study.dir / "images_missing.csv";
  images.labels.clear();
  images.demographics.clear();
  study.expect_error(images, "images_missing.csv, line 2, column 'image': image '");
  study.write("images_header_only.csv", "subject,visit,image\n");
  images.images = study.dir / "images_header_only.csv";
  study.expect_error(images, "images_header_only.csv: no image listed");

  // Truncated and corrupt files are found while writing; the temporary file is removed.
  const std::string mha = [&] {
    std::ifstream in(study.dir / "a1.mha", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  std::ofstream(study.dir / "cut.mha", std::ios::binary) << mha.substr(0, mha.size() - 40);
  std::ofstream(study.dir / "junk.nii.gz", std::ios::binary) << "not an image at all";
  std::ofstream(study.dir / "flat.mha", std::ios::binary)
      << "ObjectType = Image\nNDims = 2\nDimSize = 2 2\nElementSpacing = 1 1\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n" << std::string(4, '\1');
  // Headers that used to be read silently wrong, or without end.
  auto mha_with = [&](const std::string& name, const std::string& dims, const std::string& spacing, const std::string& data, std::size_t bytes) {
    std::ofstream out(study.dir / name, std::ios::binary);
    out << "ObjectType = Image\nNDims = 3\nDimSize = " << dims << "\n" << (spacing.empty() ? "" : "ElementSpacing = " + spacing + "\n")
        << "ElementType = MET_UCHAR\nElementDataFile = " << data << "\n" << std::string(bytes, '\1');
  };
  mha_with("fractional.mha", "2 2 1.5", "1 1 1", "LOCAL", 6);
  mha_with("huge.mha", "100000 100000 100000", "1 1 1", "LOCAL", 8);
  mha_with("zero_spacing.mha", "2 2 2", "1 0 1", "LOCAL", 8);
  mha_with("nan_spacing.mha", "2 2 2", "1 nan 1", "LOCAL", 8);
  mha_with("no_spacing.mha", "2 2 2", "", "LOCAL", 8);
  mha_with("long.mha", "2 2 2", "1 1 1", "LOCAL", 12);
  mha_with("device.mha", "2 2 2", "1 1 1", "/dev/zero", 0);
  // A NIfTI whose spacing comes from its pixdim (qform), with pixdim[2] = 0: libnifti would make it 1 mm.
  {
    const int64_t dims[8] = {3, 4, 4, 4, 1, 1, 1, 1};
    nifti_image* nim = nifti_make_new_nim(dims, DT_FLOAT32, 1);
    nim->qform_code = 1;
    nim->sform_code = 0;
    nifti_set_filenames(nim, (study.dir / "zero_pixdim.nii").c_str(), 0, 1);
    nifti_image_write(nim);
    nifti_image_free(nim);
    std::fstream f(study.dir / "zero_pixdim.nii", std::ios::binary | std::ios::in | std::ios::out);
    const float zero = 0.0f;
    f.seekp(76 + 2 * 4);  // NIfTI-1 pixdim[2]
    f.write(reinterpret_cast<const char*>(&zero), sizeof zero);
  }
  {  // a NaN voxel: libnifti would hand it over as 0
    Stored st = make_stored({0, 1, 2}, {false, false, false});
    st.values[5] = std::numeric_limits<float>::quiet_NaN();
    write_nifti(st, study.dir / "nan_voxel.nii.gz");
  }
  // DICOM: spacings GDCM would have made 1 mm, pixel data it would have zero-padded, dimensions it would
  // have allocated.
  const auto dicom = study.dir / "b0";
  edited_dicom_copy(dicom, study.dir / "dicom_no_spacing", [](gdcm::DataSet& ds) { pixel_measures(ds).Remove(gdcm::Tag(0x0028, 0x0030)); });
  edited_dicom_copy(dicom, study.dir / "dicom_zero_spacing", [](gdcm::DataSet& ds) { set_element(pixel_measures(ds), 0x0028, 0x0030, gdcm::VR::DS, "0\\0.5 "); });
  edited_dicom_copy(dicom, study.dir / "dicom_short", [](gdcm::DataSet& ds) {
    const gdcm::ByteValue* pixels = ds.GetDataElement(gdcm::Tag(0x7fe0, 0x0010)).GetByteValue();
    set_element(ds, 0x7fe0, 0x0010, gdcm::VR::OW, std::string(pixels->GetPointer(), pixels->GetLength() / 2));
  });
  edited_dicom_copy(dicom, study.dir / "dicom_huge", [](gdcm::DataSet& ds) {
    const std::uint16_t big = 60000;  // Rows and Columns, unsigned short
    set_element(ds, 0x0028, 0x0010, gdcm::VR::US, std::string(reinterpret_cast<const char*>(&big), 2));
    set_element(ds, 0x0028, 0x0011, gdcm::VR::US, std::string(reinterpret_cast<const char*>(&big), 2));
  });
  // One slice: its thickness comes from the file, and without one it is an error, not 1 mm.
  auto single_slice = [&](const std::string& name, const std::string& thickness) {
    edited_dicom_copy(dicom, study.dir / name, [&](gdcm::DataSet& ds) {
      for (gdcm::DataSet* d : {&ds, &pixel_measures(ds)}) d->Remove(gdcm::Tag(0x0018, 0x0088)), d->Remove(gdcm::Tag(0x0018, 0x0050));
      if (!thickness.empty()) set_element(pixel_measures(ds), 0x0018, 0x0050, gdcm::VR::DS, thickness);
    });
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(study.dir / name)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (std::size_t i = 1; i < files.size(); ++i) std::filesystem::remove(files[i]);
  };
  single_slice("dicom_one_slice", "");
  single_slice("dicom_one_thick_slice", "7 ");
  {
    const auto one = io::read_dicom_series(study.dir / "dicom_one_thick_slice");
    CHECK(one.dims[2] == 1);
    CHECK(std::hypot(one.affine[0][2], one.affine[1][2], one.affine[2][2]) == doctest::Approx(7.0));
  }
  for (const auto& [file, message] : std::vector<std::pair<std::string, std::string>>{
           {"dicom_no_spacing", "has no Pixel Spacing (0028,0030)"},
           {"dicom_zero_spacing", "Pixel Spacing (0028,0030) '0\\0.5' is not two positive sizes in mm"},
           {"dicom_short", "holds 16 bytes of pixel data; 3 x 5 pixels of 2 byte(s) need 30 (truncated or corrupt)"},
           {"dicom_huge", "more than any lumbar MRI"},
           {"dicom_one_slice", "has one slice and neither a positive Spacing Between Slices (0018,0088) nor a Slice Thickness"},
           {"cut.mha", "cut.mha' is truncated"}, {"junk.nii.gz", "junk.nii.gz': cannot read it as NIfTI"},
           {"flat.mha", "flat.mha' is 2-D (2x2); a 3-D volume is required"},
           {"fractional.mha", "DimSize '2 2 1.5' is not a list of positive integers"},
           {"huge.mha", "more than any lumbar MRI"},
           {"zero_spacing.mha", "ElementSpacing '1 0 1' is not 3 positive sizes in mm"},
           {"nan_spacing.mha", "ElementSpacing '1 nan 1' is not 3 positive sizes"},
           {"no_spacing.mha", "MetaImage header has no ElementSpacing"},
           {"long.mha", "holds 12 bytes of data, more than the 8"},
           {"device.mha", "is not a regular file"},
           {"nan_voxel.nii.gz", "nan_voxel.nii.gz' holds a non-finite value (NaN or infinity)"},
           {"zero_pixdim.nii", "zero_pixdim.nii': pixdim[2] (the voxel spacing along axis 1) is 0; it must be a non-zero number of mm"}}) {
    study.write("images_bad.csv", "subject,visit,image\nA,baseline," + file + "\n");
    auto bad = images;
    bad.images = study.dir / "images_bad.csv";
    study.expect_error(bad, message);
  }
  study.write("images_bad_visit.csv", "subject,visit,image\nA,week2,a0.nii.gz\n");
  images.images = study.dir / "images_bad_visit.csv";
  study.expect_error(images, "column 'visit': unknown visit 'week2'");
}

TEST_CASE("the shared real data ingest without manual steps") {
  const std::filesystem::path spider = LDD_SOURCE_DIR "/../shared/data/spider-midsag-t2";
  const std::filesystem::path vb = LDD_SOURCE_DIR "/../shared/data/lumbar-vb-t2";
  if (!std::filesystem::exists(spider / "gradings.csv") || !std::filesystem::exists(vb / "cases.csv")) {
    MESSAGE("skipped: ../shared/data/spider-midsag-t2 or lumbar-vb-t2 is absent");
    return;
  }
  TempDir dir;
  ingest::IngestOptions o;
  o.image_folder = spider;
  o.labels = spider / "gradings.csv";
  o.labels_format = "spider";
  o.out = dir / "spider.h5";
  const auto s = ingest::ingest(o);
  CHECK(s.subjects == 172);
  CHECK(s.graded_discs > 800);
  const CohortReader spider_cohort(dir / "spider.h5");
  const Volume slice = spider_cohort.volume("1", Visit::Baseline);
  CHECK(slice.shape == std::array<std::int64_t, 3>{1, 578, 448});  // slices.csv: 578 rows, 448 cols
  CHECK(spider_cohort.subject("1").grade(Visit::Baseline, Pathology::Pfirrmann, 4) == 3);  // gradings.csv: L5-S1 = 3

  ingest::IngestOptions v;
  v.image_folder = vb;
  v.out = dir / "vb.h5";
  const auto t = ingest::ingest(v);
  CHECK(t.subjects == 10);
  CHECK(t.masks == 10);
  const CohortReader vb_cohort(dir / "vb.h5");
  const Volume volume = vb_cohort.volume("04", Visit::Baseline);
  CHECK(volume.shape == std::array<std::int64_t, 3>{76, 381, 381});
  // Labels 1..7 run cranial to caudal (cases.csv's row centroids: 50.8 ... 272.6).
  const auto mask = *vb_cohort.true_vertebra_mask("04", Visit::Baseline);
  std::array<double, 8> rows{}, count{};
  for (std::size_t i = 0; i < mask.size(); ++i) {
    rows[mask[i]] += static_cast<double>((i / 381) % 381);
    count[mask[i]] += 1;
  }
  CHECK(rows[1] / count[1] == doctest::Approx(50.8).epsilon(0.01));
  CHECK(rows[7] / count[7] == doctest::Approx(272.6).epsilon(0.01));
}
