// The build without MPI: every job is this process alone, and every collective is the identity.
#include "base/process_group.h"

#include <algorithm>
#include <cstdlib>

namespace ldd {

ProcessGroup::ProcessGroup() = default;
ProcessGroup::ProcessGroup(int*, char***) {}
ProcessGroup::~ProcessGroup() = default;
void ProcessGroup::barrier() const {}
void ProcessGroup::sum(std::vector<double>&) const {}
void ProcessGroup::broadcast(std::string&) const {}
std::vector<std::string> ProcessGroup::gather(const std::string& bytes) const { return {bytes}; }
int ProcessGroup::launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(name)) return std::max(1, std::atoi(n));
  return 1;
}

std::string ProcessGroup::implementation() { return "no MPI in this build (LDD_MPI=OFF or Open MPI not found)"; }

}  // namespace ldd
