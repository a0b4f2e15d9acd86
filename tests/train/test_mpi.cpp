// `mpirun -np N train` (issue 20) on the tiny experiment, against one process: the folds and strategies
// shared out give byte-identical results; data-parallel training agrees within its tolerance; a rank
// killed mid-run is resumed with another N to identical results; SegFlow's volumes shared out give the
// cohort one process writes; the commands that do not share work refuse several ranks. The mpirun tests
// are skipped, saying so, in a build without MPI.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/hdf5/file.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_experiment.h"

using namespace ldd;
using ldd::testing::TempDir;

namespace {

bool has_mpi() {
#if LDD_HAS_MPI
  return true;
#else
  MESSAGE("skipped: built without MPI (scripts/install-deps installs libopenmpi-dev; LDD_MPI=AUTO finds it)");
  return false;
#endif
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

// What starts a command on `ranks` ranks (0: without mpirun), one OpenMP thread per rank; the environment
// that lets Open MPI run as root (CI runs as root) is set for this command only.
std::string launcher(int ranks) {
  std::string command = "OMP_NUM_THREADS=1 ";
#if LDD_HAS_MPI
  if (ranks > 0)
    command += "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader " LDD_MPIEXEC
               " --oversubscribe --bind-to none -x OMP_NUM_THREADS -np " + std::to_string(ranks) + " ";
#else
  (void)ranks;
#endif
  return command;
}

// `train ARGUMENTS` under launcher(ranks).
std::string train_command(int ranks, const std::string& arguments) {
  return launcher(ranks) + LDD_TRAIN_BINARY + " " + arguments + " --threads 1 --quiet --no-plots";
}

int run(const std::string& command, const std::filesystem::path& log) {
  const int status = std::system((command + " > '" + log.string() + "' 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The tiny experiment of tests/support, with two strategies: 2 x 3 (strategy, fold) units to share out.
std::filesystem::path write_experiment(const TempDir& dir, int epochs, const std::string& extra = "") {
  testing::write_cohort(dir / "c.h5", 24);
  std::ofstream(dir / "tiny.yaml") << testing::experiment_yaml(dir / "c.h5", epochs,
                                                               "compare:\n  - strategy: none\n  - strategy: weighted\n" + extra);
  return dir / "tiny.yaml";
}

// The p_grade_* columns of a predictions.csv, row after row.
std::vector<double> probabilities(const std::filesystem::path& csv) {
  std::istringstream in(read(csv));
  std::string line;
  std::getline(in, line);
  std::vector<bool> wanted;
  std::istringstream header(line);
  for (std::string cell; std::getline(header, cell, ',');) wanted.push_back(cell.rfind("p_grade_", 0) == 0);
  std::vector<double> values;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::size_t column = 0;
    for (std::string cell; std::getline(row, cell, ','); ++column)
      if (column < wanted.size() && wanted[column]) values.push_back(std::stod(cell));
  }
  return values;
}

}  // namespace

TEST_CASE("mpirun -np 2 shares out the (strategy, fold) units: metrics.json and predictions byte-identical to one process") {
  if (!has_mpi()) return;
  TempDir dir;
  const auto config = write_experiment(dir, 3).string();
  REQUIRE(run(train_command(0, config + " --out " + (dir / "one").string()), dir / "one.log") == 0);
  REQUIRE_MESSAGE(run(train_command(2, config + " --out " + (dir / "two").string()), dir / "two.log") == 0, read(dir / "two.log"));
  for (const std::string strategy : {"none", "weighted"}) {
    INFO(strategy);
    REQUIRE(std::filesystem::exists(dir / "two" / strategy / "metrics.json"));
    CHECK(read(dir / "two" / strategy / "metrics.json") == read(dir / "one" / strategy / "metrics.json"));
    CHECK(read(dir / "two" / strategy / "predictions.csv") == read(dir / "one" / strategy / "predictions.csv"));
  }
  CHECK(std::filesystem::exists(dir / "two" / "comparison.md"));
  CHECK(read(dir / "two.log").find("6 folds to train on 2 ranks, dealt out round robin") != std::string::npos);
}

TEST_CASE("data-parallel training on 2 ranks predicts what one process predicts, within 1e-4 per probability") {
  if (!has_mpi()) return;
  TempDir dir;
  const auto config = write_experiment(dir, 3).string() + " --set training.data_parallel=true";
  REQUIRE(run(train_command(0, config + " --out " + (dir / "one").string()), dir / "one.log") == 0);
  REQUIRE_MESSAGE(run(train_command(2, config + " --out " + (dir / "two").string()), dir / "two.log") == 0, read(dir / "two.log"));
  CHECK(read(dir / "two.log").find("all ranks on each (data-parallel)") != std::string::npos);
  for (const std::string strategy : {"none", "weighted"}) {
    const auto one = probabilities(dir / "one" / strategy / "predictions.csv"), two = probabilities(dir / "two" / strategy / "predictions.csv");
    REQUIRE(one.size() == two.size());
    REQUIRE(!one.empty());
    double worst = 0;
    for (std::size_t i = 0; i < one.size(); ++i) worst = std::max(worst, std::abs(one[i] - two[i]));
    INFO(strategy << ": largest difference of a grade probability " << worst);
    CHECK(worst <= 1e-4);
    MESSAGE(strategy << ": data-parallel on 2 ranks vs one process, largest difference of a grade probability " << worst);
  }
}

TEST_CASE("a rank killed mid-run: --resume on 3 ranks finishes with the results of one uninterrupted process") {
  if (!has_mpi()) return;
  TempDir dir;
  const auto config = write_experiment(dir, 40).string();
  REQUIRE(run(train_command(0, config + " --out " + (dir / "whole").string()), dir / "whole.log") == 0);

  const std::string command = train_command(2, config + " --out " + (dir / "killed").string());
  const pid_t job = fork();
  REQUIRE(job >= 0);
  if (job == 0) {
    ::execl("/bin/sh", "sh", "-c", (command + " > '" + (dir / "killed.log").string() + "' 2>&1").c_str(), nullptr);
    ::_exit(127);
  }
  // Kill one rank once the second unit (rank 1's first) has checkpointed an epoch.
  const auto checkpoint = dir / "killed" / "none" / "fold-2" / "checkpoint.h5";
  int status = 0;
  REQUIRE_MESSAGE(testing::wait_for_path(checkpoint, job, 300),
                  "mpirun exited or ran 300 s before a rank could be killed: " << read(dir / "killed.log"));
  // One rank: the newest process whose command line starts with the train binary (not mpirun's, not sh's).
  const std::string kill = std::string("pkill -KILL -n -f '^") + LDD_TRAIN_BINARY + " .*" + (dir / "killed").string() + "'";
  CHECK(std::system(kill.c_str()) == 0);
  ::waitpid(job, &status, 0);
  CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));  // the job ended, not finished
  CHECK(!std::filesystem::exists(dir / "killed" / "none" / "metrics.json"));

  REQUIRE_MESSAGE(run(train_command(3, config + " --out " + (dir / "killed").string() + " --resume"), dir / "resumed.log") == 0,
                  read(dir / "resumed.log"));
  for (const std::string strategy : {"none", "weighted"}) {
    INFO(strategy);
    CHECK(read(dir / "killed" / strategy / "metrics.json") == read(dir / "whole" / strategy / "metrics.json"));
    CHECK(read(dir / "killed" / strategy / "predictions.csv") == read(dir / "whole" / strategy / "predictions.csv"));
  }
}

namespace {

// Every visit's SegFlow group: status, naming, boxes, found discs, crops and mask, as one comparable text.
std::string segflow_results(const std::filesystem::path& cohort) {
  const hdf5::File f = hdf5::File::open_read(cohort);
  std::ostringstream o;
  for (const auto& id : f.members("/subjects"))
    for (const auto& visit : f.members("/subjects/" + id)) {
      const std::string g = "/subjects/" + id + "/" + visit + "/segflow";
      if (!f.exists(g)) continue;
      o << g << ": " << f.string_attribute(g, "status") << "\n";
      for (const auto& name : f.attribute_names(g)) o << name << "\n";
      if (!f.exists(g + "/crops")) continue;
      o << f.string_attribute(g, "naming_notes") << " " << f.double_attribute(g, "mean_width_mm") << "\n";
      for (const char* floats : {"/crops", "/disc_boxes"})
        for (float v : f.read<float>(g + floats)) o << v << ' ';
      for (auto v : f.read<std::int32_t>(g + "/disc_found")) o << v << ' ';
      for (auto v : f.read<std::uint8_t>(g + "/vertebra_mask")) o << static_cast<int>(v);
      o << "\n";
    }
  return o.str();
}

}  // namespace

TEST_CASE("mpirun -np 2 segflow shares out the volumes and writes the cohort one process writes") {
  if (!has_mpi()) return;
  TempDir dir;
  REQUIRE(run(std::string(LDD_SYNTH_BINARY) + " --out '" + (dir / "one.h5").string() + "' --subjects 2 --quiet", dir / "synth.log") == 0);
  std::filesystem::copy_file(dir / "one.h5", dir / "two.h5");
  const std::string options = " --quiet --threads 1 --steps 150 --train-volumes 2 --crop 3x32x32";
  REQUIRE(run(launcher(0) + LDD_SEGFLOW_BINARY + " --cohort '" + (dir / "one.h5").string() + "'" + options, dir / "one.log") == 0);
  REQUIRE_MESSAGE(run(launcher(2) + LDD_SEGFLOW_BINARY + " --cohort '" + (dir / "two.h5").string() + "'" + options, dir / "two.log") == 0,
                  read(dir / "two.log"));
  const std::string one = segflow_results(dir / "one.h5");
  CHECK(one.find(": ok") != std::string::npos);  // something was segmented, not only failures compared
  CHECK(segflow_results(dir / "two.h5") == one);
  CHECK(read(dir / "two.log").find("4 of 4 volumes segmented") != std::string::npos);
  std::size_t leftovers = 0;  // no copy or part file of a rank stays behind
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) leftovers += entry.path().string().find("segflow-tmp") != std::string::npos;
  CHECK(leftovers == 0);
}

TEST_CASE("a command that does not share its work over ranks stops at once under mpirun -np 2, and writes nothing") {
  TempDir dir;
  // The launcher's environment alone says how many ranks it started: no MPI is needed to test the refusal.
  const int rc = run(std::string("OMPI_COMM_WORLD_SIZE=2 ") + LDD_SYNTH_BINARY + " --out '" + (dir / "c.h5").string() + "' --subjects 2",
                     dir / "synth.log");
  CHECK(rc == 1);
  CHECK(read(dir / "synth.log").find("synth runs as one process, and mpirun started 2 of them") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "c.h5"));
}
