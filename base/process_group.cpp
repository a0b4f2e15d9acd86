// What every build shares, MPI or not: reading the launcher's environment.
#include "base/process_group.h"

#include <algorithm>
#include <cstdlib>

namespace ldd {

int ProcessGroup::launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(name)) return std::max(1, std::atoi(n));
  return 1;
}

}  // namespace ldd
