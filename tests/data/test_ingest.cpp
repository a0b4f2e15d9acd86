// Ingest: every reader against volumes with known orientations (tests/support/image_files.h), each bad
// input's error, and the shared real data.
#include <doctest/doctest.h>
#include <gdcmDataElement.h>
#include <gdcmImplicitDataElement.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmSwapper.h>
#include <gdcmReader.h>
#include <gdcmWriter.h>
#include <nifti2_io.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <sstream>

#include "base/check.h"
#include "data/cohort/cohort_file.h"
#include "data/ingest/ingest.h"
#include "data/io/raw_volume.h"
#include "tests/support/image_files.h"
#include "tests/support/temp_dir.h"

using namespace ldd;
using namespace ldd::testing;

namespace {

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

TEST_CASE("a DICOM series whose functional groups GDCM holds as bytes (UN of defined length) is read from them") {
  // GDCM parses such a sequence anew, into an object only its smart pointer owns, on every look-up: the
  // spacing and the guards' orientation are read from it while it lives (valgrind showed reads of freed
  // memory before data/io/dicom_items.h).
  TempDir dir;
  write_dicom_series(make_stored({0, 1, 2}, {false, false, false}), dir / "plain");
  edited_dicom_copy(dir / "plain", dir / "as_bytes", [](gdcm::DataSet& ds) {
    const auto shared = ds.GetDataElement(gdcm::Tag(0x5200, 0x9229)).GetValueAsSQ();
    REQUIRE(shared);
    shared->SetLength(shared->ComputeLength<gdcm::ImplicitDataElement>());
    std::ostringstream bytes;
    shared->Write<gdcm::ImplicitDataElement, gdcm::SwapperNoOp>(bytes);
    set_element(ds, 0x5200, 0x9229, gdcm::VR::UN, bytes.str());
  });
  {
    gdcm::Reader reader;  // the edit holds: GDCM keeps the groups as bytes
    reader.SetFileName(std::filesystem::directory_iterator(dir / "as_bytes")->path().c_str());
    REQUIRE(reader.Read());
    const gdcm::DataElement& groups = reader.GetFile().GetDataSet().GetDataElement(gdcm::Tag(0x5200, 0x9229));
    CHECK(groups.GetByteValue() != nullptr);
    CHECK(groups.GetValueAsSQ());
  }
  check_canonical(io::to_cohort_volume(io::read_volume(dir / "as_bytes")));
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
  {  // NIfTI files whose header and data disagree, or whose scaling libnifti would drop: edited bytes of a good one
    Stored st = make_stored({0, 1, 2}, {false, false, false});
    write_nifti(st, study.dir / "good.nii");
    std::string bytes;
    {
      std::ifstream in(study.dir / "good.nii", std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto with = [&](const std::string& name, std::string edited) {
      std::ofstream(study.dir / name, std::ios::binary) << edited;
    };
    with("long.nii", bytes + std::string(16, '\0'));
    with("short.nii", bytes.substr(0, bytes.size() - 4));
    std::string huge = bytes;
    const std::int16_t big = 30000;  // NIfTI-1 dim[1..3], short at 42, 44, 46
    for (std::size_t at : {42, 44, 46}) std::memcpy(huge.data() + at, &big, sizeof big);
    with("huge.nii", huge);
    const std::int16_t large = 2000;  // 32 GB declared: refused before libnifti allocates it
    for (std::size_t at : {42, 44, 46}) std::memcpy(huge.data() + at, &large, sizeof large);
    with("large.nii", huge);
    std::string nan_slope = bytes;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(nan_slope.data() + 112, &nan, sizeof nan);  // scl_slope
    with("nan_slope.nii", nan_slope);
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
           {"zero_pixdim.nii", "zero_pixdim.nii': pixdim[2] (the voxel spacing along axis 1) is 0; it must be a non-zero number of mm"},
           {"long.nii", "long.nii' holds more voxel data than its header's dimensions"},
           {"short.nii", "short.nii': its voxel data is truncated"},
           {"huge.nii", "huge.nii': its header declares 27000000000000 voxels of 4 bytes, more than any lumbar MRI"},
           {"large.nii", "large.nii': its voxel data is truncated (240 bytes for the 32000000000 its header's dimensions 2000x2000x2000"},
           {"nan_slope.nii", "nan_slope.nii': its intensity scaling (scl_slope nan, scl_inter 0) is not finite"}}) {
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
