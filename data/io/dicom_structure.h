// A walk over a DICOM file's elements before GDCM reads it. GDCM allocates an element's declared length
// before it reads the bytes (one corrupt length of 4 GB allocates 4 GB) and asserts, ending the process,
// on an unknown VR in the file meta group. Here every declared length must fit in what holds it (the
// file, a sequence item) and every explicit VR must be one DICOM defines; otherwise the file is refused
// naming the element and its byte offset.
#pragma once
#include <filesystem>
#include <string>

namespace ldd::io {

// A DICOM file's bytes, read once for the walk and for GDCM (refused when larger than any slice can be).
std::string read_dicom_file(const std::filesystem::path& file);
// Throws ldd::Error naming `file`, from which `bytes` were read.
void check_dicom_structure(const std::string& bytes, const std::filesystem::path& file);
inline void check_dicom_structure(const std::filesystem::path& file) { check_dicom_structure(read_dicom_file(file), file); }

}  // namespace ldd::io
