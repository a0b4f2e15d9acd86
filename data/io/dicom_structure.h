// A walk over a DICOM file's elements before GDCM reads it. GDCM allocates an element's declared length
// before it reads the bytes (one corrupt length of 4 GB allocates 4 GB) and asserts, ending the process,
// on an unknown VR in the file meta group. Here every declared length must fit in what holds it (the
// file, a sequence item) and every explicit VR must be one DICOM defines; otherwise the file is refused
// naming the element and its byte offset.
#pragma once
#include <filesystem>

namespace ldd::io {

void check_dicom_structure(const std::filesystem::path& file);  // throws ldd::Error

}  // namespace ldd::io
