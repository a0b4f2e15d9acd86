#include "base/version.h"

#include "base/process_group.h"
#include "ldd_version.h"  // generated at build time by cmake/version.cmake

namespace ldd::tools {

const char* version() { return LDD_VERSION; }
const char* commit() { return LDD_COMMIT; }
std::string version_line() {
  return std::string("ldd ") + LDD_VERSION + " (commit " + LDD_COMMIT + "), " + ProcessGroup::implementation();
}

}  // namespace ldd::tools
