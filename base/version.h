// Which ldd this is: the project's version and the commit of the source tree it was built from
// (`git describe --dirty`, "unknown" outside a git checkout), for --version and metrics.json.
#pragma once
#include <string>

namespace ldd::tools {

const char* version();
const char* commit();
// "ldd 0.1.0 (commit 0123456789ab), MPI (Open MPI v4.1.4)" (or ", no MPI in this build ...")
std::string version_line();

}  // namespace ldd::tools
