// The processes of one job: under `mpirun -np N` the N ranks of MPI_COMM_WORLD, otherwise this process
// alone (rank 0 of 1). Built without MPI (LDD_MPI=OFF, or no Open MPI found), every job is one process.
// MPI is started only when a launcher set the job up (mpirun's environment), so a plain `train` never
// touches it.
//
// The collectives are the few the pipeline needs: a barrier, a sum whose order is fixed (rank 0's values
// first, then rank 1's, ...), a broadcast of bytes, and a gather of bytes to rank 0.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ldd {

class ProcessGroup {
 public:
  // Starts MPI when this process was launched by mpirun (argc / argv go to MPI_Init).
  ProcessGroup(int* argc, char*** argv);
  ProcessGroup();  // this process alone, whatever launched it (tests, library callers)
  ~ProcessGroup();  // finalises MPI, except while an exception unwinds: the launcher then ends the job
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // Items dealt out to the ranks round robin: is item `item` this rank's?
  bool owns(std::size_t item) const { return static_cast<int>(item % static_cast<std::size_t>(size_)) == rank_; }

  void barrier() const;
  // Element-wise sum over the ranks, in rank order whatever the timing: every rank gets the same bits.
  void sum(std::vector<double>& values) const;
  // Rank 0's bytes on every rank.
  void broadcast(std::string& bytes) const;
  // Every rank's bytes on rank 0, in rank order (other ranks get an empty vector).
  std::vector<std::string> gather(const std::string& bytes) const;

  // How many ranks the launcher started (mpirun's or a PMI environment), 1 without one; MPI untouched.
  static int launched_ranks();
  // "MPI (Open MPI v4.1.4)" or "no MPI in this build (...)": for --version.
  static std::string implementation();

 private:
  int rank_ = 0, size_ = 1;
  bool started_mpi_ = false;
};

}  // namespace ldd
