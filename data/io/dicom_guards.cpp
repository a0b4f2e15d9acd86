#include "data/io/dicom_guards.h"

#include <gdcmDataSet.h>
#include <gdcmMediaStorage.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "base/check.h"
#include "data/io/dicom_items.h"

namespace ldd::io {
namespace {

std::string text(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return {};
  const gdcm::ByteValue* v = ds.GetDataElement(tag).GetByteValue();
  return v ? std::string(v->GetPointer(), v->GetLength()) : std::string();
}

// An unsigned short in the data set's byte order; -1 when absent or malformed.
int unsigned_short(const gdcm::DataSet& ds, const gdcm::Tag& tag, bool big_endian) {
  const std::string v = text(ds, tag);
  if (v.size() != 2) return -1;
  const int lo = static_cast<unsigned char>(v[big_endian ? 1 : 0]), hi = static_cast<unsigned char>(v[big_endian ? 0 : 1]);
  return lo | hi << 8;
}

// Image Orientation (Patient) that GDCM accepts: six finite numbers, two non-zero, near-orthogonal vectors.
bool valid_cosines(const std::string& value) {
  std::vector<double> c;
  std::stringstream parts(value);
  for (std::string part; std::getline(parts, part, '\\');) c.push_back(std::strtod(part.c_str(), nullptr));
  if (c.size() != 6) return false;
  double rr = 0, cc = 0, rc = 0;
  for (int i = 0; i < 3; ++i) {
    if (!std::isfinite(c[static_cast<std::size_t>(i)]) || !std::isfinite(c[static_cast<std::size_t>(i + 3)])) return false;
    rr += c[static_cast<std::size_t>(i)] * c[static_cast<std::size_t>(i)];
    cc += c[static_cast<std::size_t>(i + 3)] * c[static_cast<std::size_t>(i + 3)];
    rc += c[static_cast<std::size_t>(i)] * c[static_cast<std::size_t>(i + 3)];
  }
  return rr > 0 && cc > 0 && std::abs(rc) / std::sqrt(rr * cc) < 1e-2;
}

// An enhanced-layout file gives its geometry in functional groups, and GDCM needs the sequences it opens
// to be sequences with items and a valid plane orientation (shared, first per-frame item, or top level).
void check_functional_groups(const gdcm::DataSet& ds, const std::string& where) {
  const gdcm::Tag shared(0x5200, 0x9229), per_frame(0x5200, 0x9230), orientation(0x0020, 0x9116), position(0x0020, 0x9113);
  const gdcm::Tag cosines(0x0020, 0x0037);
  for (const gdcm::Tag& groups : {shared, per_frame})
    LDD_CHECK(!ds.FindDataElement(groups) || first_item(ds, groups),
              where << ": functional groups " << groups << " are not a sequence with items (corrupt file?)");
  bool oriented = valid_cosines(text(ds, cosines));
  for (const gdcm::Tag& groups : {shared, per_frame})
    if (const auto g = first_item(ds, groups))
      if (const auto o = first_item(*g, orientation)) oriented = oriented || o->FindDataElement(cosines);
  LDD_CHECK(oriented, where << " has no valid Image Orientation (Patient) (0020,0037); the slice's direction is needed");
  std::vector<SequenceItem> items;
  if (auto g = first_item(ds, shared)) items.push_back(std::move(g));
  for (SequenceItem& frame : sequence_items(ds, per_frame)) items.push_back(std::move(frame));
  for (const SequenceItem& item : items)
    for (const gdcm::Tag& macro : {position, orientation, gdcm::Tag(0x0028, 0x9110), gdcm::Tag(0x0028, 0x9145), gdcm::Tag(0x0028, 0x9132)})
      LDD_CHECK(!item->FindDataElement(macro) || first_item(*item, macro),
                where << ": functional group " << macro << " is not a sequence with items (corrupt file?)");
}

}  // namespace

void check_what_gdcm_asserts(std::istream& file, const std::string& where) {
  gdcm::Reader reader;
  reader.SetStream(file);
  const bool read = reader.Read();
  file.clear();
  file.seekg(0);
  if (!read) return;  // ImageReader says why
  const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
  const bool big_endian = reader.GetFile().GetHeader().GetDataSetTransferSyntax() == gdcm::TransferSyntax::ExplicitVRBigEndian;
  // GDCM asserts samples per pixel <= 4 and bits allocated % 8 == 0; ldd reads greyscale 8- and 16-bit pixels.
  LDD_CHECK(!ds.FindDataElement(gdcm::Tag(0x0028, 0x0002)) || unsigned_short(ds, gdcm::Tag(0x0028, 0x0002), big_endian) == 1,
            where << ": Samples per Pixel (0028,0002) is not 1; only greyscale images are supported");
  const int bits = unsigned_short(ds, gdcm::Tag(0x0028, 0x0100), big_endian);
  LDD_CHECK(!ds.FindDataElement(gdcm::Tag(0x0028, 0x0100)) || bits == 8 || bits == 16,
            where << ": Bits Allocated (0028,0100) is not 8 or 16; only 8- and 16-bit pixels are supported");
  if (ds.FindDataElement(gdcm::Tag(0x0008, 0x0010))) {  // retired Recognition Code: GDCM asserts it names ACR-NEMA
    const std::string code = text(ds, gdcm::Tag(0x0008, 0x0010));
    LDD_CHECK(code.rfind("ACR-NEMA", 0) == 0 || code.rfind("ACRNEMA", 0) == 0 || code.rfind("MIPS 2.0", 0) == 0,
              where << ": Recognition Code (0008,0010) '" << code << "' is not an ACR-NEMA code (corrupt file?)");
  }
  const std::string frames = text(ds, gdcm::Tag(0x0028, 0x0008));
  LDD_CHECK(frames.empty() || std::atoi(frames.c_str()) <= 1,
            where << " holds " << frames << " frames; one single-frame file per slice is required");
  // Multi-frame layouts other than Enhanced MR and CT (which single-frame series use too) take GDCM's
  // functional-group paths unguarded here.
  gdcm::MediaStorage storage;
  storage.SetFromFile(reader.GetFile());
  const bool enhanced = storage == gdcm::MediaStorage::EnhancedMRImageStorage || storage == gdcm::MediaStorage::EnhancedCTImageStorage;
  LDD_CHECK(enhanced || (!ds.FindDataElement(gdcm::Tag(0x5200, 0x9229)) && !ds.FindDataElement(gdcm::Tag(0x5200, 0x9230))),
            where << " is " << (storage.GetString() ? storage.GetString() : "an unknown storage class")
                  << " with functional groups; ldd reads MR (or CT) Image Storage and Enhanced MR (or CT), one frame per file");
  if (enhanced) check_functional_groups(ds, where);
}

}  // namespace ldd::io
