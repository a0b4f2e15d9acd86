# OpenBLAS, the OpenMP build (Debian: libopenblas-openmp-dev), for the CPU GEMM. The OpenMP build matters:
# it shares our OpenMP thread pool, where the pthreads build would start threads of its own and
# oversubscribe the cores inside our parallel regions. Found by path, not through the libblas
# alternatives, so the variant does not depend on what else is installed.
set(_openblas_dir /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp)
find_library(LDD_OPENBLAS_LIBRARY NAMES openblas PATHS ${_openblas_dir} NO_DEFAULT_PATH)
find_path(LDD_OPENBLAS_INCLUDE_DIR cblas.h PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp NO_DEFAULT_PATH)
if(NOT LDD_OPENBLAS_LIBRARY OR NOT LDD_OPENBLAS_INCLUDE_DIR)
  message(FATAL_ERROR "OpenBLAS (OpenMP build) not found under ${_openblas_dir}: run scripts/install-deps "
                      "(Debian package libopenblas-openmp-dev)")
endif()
add_library(OpenBLAS::OpenMP UNKNOWN IMPORTED)
set_target_properties(OpenBLAS::OpenMP PROPERTIES IMPORTED_LOCATION ${LDD_OPENBLAS_LIBRARY}
                                                  INTERFACE_INCLUDE_DIRECTORIES ${LDD_OPENBLAS_INCLUDE_DIR})
