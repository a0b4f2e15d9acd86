// What GDCM's ImageReader asserts, ending the process, rather than reports (Debian's GDCM keeps its
// asserts): a file that would break one is refused first, with an error naming it. Found by the DICOM
// fuzz target (tests/fuzz); run after check_dicom_structure, which bounds every declared length.
#pragma once
#include <istream>
#include <string>

namespace ldd::io {

// `file`: a stream over the bytes io::read_dicom_file read, left rewound for gdcm::ImageReader; `where`
// starts the error message ("DICOM series 'S': 'file.dcm'").
void check_what_gdcm_asserts(std::istream& file, const std::string& where);

}  // namespace ldd::io
