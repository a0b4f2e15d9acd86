#include "base/process_group.h"

#include <mpi.h>

#include <cstdlib>
#include <exception>

#include "base/check.h"

namespace ldd {
namespace {

// mpirun (Open MPI), or a PMI launcher such as Slurm's srun, sets one of these in every rank.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name)) return true;
  return false;
}

void check_mpi(int rc, const char* what) { LDD_CHECK(rc == MPI_SUCCESS, "MPI: " << what << " failed (error " << rc << ")"); }

// a[i] = b[i] + a[i] with b the lower ranks' partial sum: declared non-commutative, so MPI applies it in
// rank order and the floating-point result does not depend on which rank arrives first.
void ordered_sum(void* in, void* inout, int* count, MPI_Datatype*) {
  const auto* lower = static_cast<const double*>(in);
  auto* higher = static_cast<double*>(inout);
  for (int i = 0; i < *count; ++i) higher[i] = lower[i] + higher[i];
}

int to_int(std::size_t n, const char* what) {
  LDD_CHECK(n <= static_cast<std::size_t>(INT32_MAX), "MPI: " << what << " of " << n << " elements is more than one message holds");
  return static_cast<int>(n);
}

}  // namespace

ProcessGroup::ProcessGroup() = default;

ProcessGroup::ProcessGroup(int* argc, char*** argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  check_mpi(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  started_mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

ProcessGroup::~ProcessGroup() {
  // An error on one rank: finalising would wait for the others forever; exiting without it makes mpirun
  // end the whole job (it reports the rank that exited first).
  if (started_mpi_ && std::uncaught_exceptions() == 0) MPI_Finalize();
}

void ProcessGroup::barrier() const {
  if (size_ > 1) check_mpi(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

void ProcessGroup::sum(std::vector<double>& values) const {
  if (size_ == 1) return;
  MPI_Op op = MPI_OP_NULL;
  check_mpi(MPI_Op_create(&ordered_sum, /*commute=*/0, &op), "MPI_Op_create");
  const int rc = MPI_Allreduce(MPI_IN_PLACE, values.data(), to_int(values.size(), "a sum"), MPI_DOUBLE, op, MPI_COMM_WORLD);
  MPI_Op_free(&op);
  check_mpi(rc, "MPI_Allreduce");
}

void ProcessGroup::broadcast(std::string& bytes) const {
  if (size_ == 1) return;
  std::uint64_t n = bytes.size();
  check_mpi(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  bytes.resize(n);
  check_mpi(MPI_Bcast(bytes.data(), to_int(n, "a broadcast"), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
}

std::vector<std::string> ProcessGroup::gather(const std::string& bytes) const {
  if (size_ == 1) return {bytes};
  const int n = to_int(bytes.size(), "a gather");
  std::vector<int> sizes(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  check_mpi(MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::size_t total = 0;
  for (int r = 0; r < size_; ++r) {
    offsets[static_cast<std::size_t>(r)] = to_int(total, "a gather");
    total += static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)]);
  }
  std::string all(is_root() ? total : 0, '\0');
  check_mpi(MPI_Gatherv(bytes.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Gatherv");
  std::vector<std::string> parts;
  if (is_root())
    for (int r = 0; r < size_; ++r)
      parts.push_back(all.substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]), static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)])));
  return parts;
}

std::string ProcessGroup::implementation() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string text(version, static_cast<std::size_t>(length));
  if (const auto comma = text.find(','); comma != std::string::npos) text.resize(comma);  // "Open MPI v4.1.4"
  return "MPI (" + text + ")";
}

}  // namespace ldd
