// The build without MPI: every job is this process alone, and every collective is the identity.
#include "base/process_group.h"

namespace ldd {

ProcessGroup::ProcessGroup() = default;
ProcessGroup::ProcessGroup(int*, char***) {}
ProcessGroup::~ProcessGroup() = default;
void ProcessGroup::barrier() const {}
void ProcessGroup::sum(std::vector<double>&) const {}
void ProcessGroup::broadcast(std::string&) const {}
std::vector<std::string> ProcessGroup::gather(const std::string& bytes) const { return {bytes}; }
std::string ProcessGroup::implementation() { return "no MPI in this build (LDD_MPI=OFF or Open MPI not found)"; }

}  // namespace ldd
