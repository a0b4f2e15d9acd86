# Medical image libraries for ingest, as interface targets the readers and their tests share.
# NIfTI: Debian 12's NIFTIConfig.cmake points at /usr/lib instead of the multiarch folder, so the
# library is found by hand. GDCM: its config gives include folders but no usage requirements.
find_library(LDD_NIFTI2_LIBRARY NAMES nifti2 REQUIRED)
find_library(LDD_ZNZ_LIBRARY NAMES znz REQUIRED)
find_path(LDD_NIFTI_INCLUDE_DIR nifti2_io.h PATH_SUFFIXES nifti REQUIRED)
add_library(ldd::nifti INTERFACE IMPORTED)
target_link_libraries(ldd::nifti INTERFACE ${LDD_NIFTI2_LIBRARY} ${LDD_ZNZ_LIBRARY})
target_include_directories(ldd::nifti SYSTEM INTERFACE ${LDD_NIFTI_INCLUDE_DIR})

find_package(GDCM REQUIRED)
add_library(ldd::gdcm INTERFACE IMPORTED)
target_link_libraries(ldd::gdcm INTERFACE gdcmMSFF)
target_include_directories(ldd::gdcm SYSTEM INTERFACE ${GDCM_INCLUDE_DIRS})
