// The `train` pipeline on a tiny cohort whose SegFlow results are written by hand (SegFlow itself is
// tested in tests/segflow): the run folder's files, identical metrics for the same seed, a run killed
// mid-fold that resumes to the same metrics, the imbalance comparison, and a cohort that is missing.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/check.h"
#include "base/hdf5/file.h"
#include "base/version.h"
#include "data/cohort/cohort_file.h"
#include "data/io/file_lock.h"
#include "data/synth/population.h"
#include "nn/random.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_experiment.h"
#include "train/experiment.h"
#include "train/report.h"

using namespace ldd;
using ldd::testing::TempDir;
using ldd::testing::experiment_yaml;
using ldd::testing::quiet_options;
using ldd::testing::write_cohort;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

// A path in single quotes, for a shell command line.
std::string quoted(const std::filesystem::path& p) {
  std::string s = "'";
  s += p.string();
  s += "'";
  return s;
}

// Runs the train command with `arguments`, its stdout and stderr into `output`; its exit code (-1: it did not exit).
int run_train(const std::string& arguments, const std::filesystem::path& output) {
  std::string command = LDD_TRAIN_BINARY;
  command += " " + arguments + " > " + quoted(output) + " 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The plot tests need /usr/bin/python3 with matplotlib; without it they say so and pass.
bool has_matplotlib() {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' 2> /dev/null") == 0) return true;
  MESSAGE("skipped: /usr/bin/python3 has no matplotlib (scripts/install-deps installs python3-matplotlib)");
  return false;
}

// What plot_run.py draws for a progression run.
constexpr const char* kRunPlots[] = {"roc.png", "pr.png", "reliability.png", "confusion.png", "training.png"};

}  // namespace

TEST_CASE("train writes the run folder and the same seed gives identical metrics.json") {
  TempDir dir;
  write_cohort(dir / "c.h5", 24);
  const auto config = train::parse_experiment(experiment_yaml(dir / "c.h5", 3), "tiny.yaml");
  const auto first = train::run_experiment(config, quiet_options(dir / "run1"));
  CHECK(first.report == dir / "run1" / "report.md");
  for (const char* f : {"config.yaml", "predictions.csv", "metrics.json", "report.md", "left_out.txt", "fold-1/checkpoint.h5",
                        "fold-3/history.csv", "fold-2/predictions.csv"})
    CHECK_MESSAGE(std::filesystem::exists(dir / "run1" / f), f);
  // 23 subjects with crops (one failed), four discs each (L5-S1 not found).
  std::ifstream csv(dir / "run1" / "predictions.csv");
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  CHECK(lines == 1 + 23 * 4);
  const std::string left_out = read(dir / "run1" / "left_out.txt");
  CHECK(left_out.find("SegFlow failed: no spine found") != std::string::npos);
  CHECK(left_out.find("L5-S1: SegFlow did not find this disc") != std::string::npos);
  CHECK(read(dir / "run1" / "report.md").find("| **this run** |") != std::string::npos);
  // Without a validation split the validation columns are empty, not 0, and read back as undefined.
  const std::string history = read(dir / "run1" / "fold-1" / "history.csv");
  CHECK(history.substr(history.find('\n') + 1).find(",,") != std::string::npos);
  const auto epochs = train::read_history(dir / "run1" / "fold-1" / "history.csv");
  REQUIRE(epochs.size() == 3);
  CHECK(std::isnan(epochs[0].validation_loss));
  CHECK(epochs[0].train_loss > 0);
  // Pooled out-of-fold metrics with intervals, calibration and levels, in both the report and the metrics.
  CHECK(read(dir / "run1" / "report.md").find("## Pooled over the folds' test discs") != std::string::npos);
  CHECK(read(dir / "run1" / "report.md").find("| L4-L5 | ") != std::string::npos);
  for (const char* key : {"\"pooled\": {\"discs\": 92", "\"average_precision\": {\"value\": ", "\"reliability\": [", "\"levels\": ["})
    CHECK_MESSAGE(read(dir / "run1" / "metrics.json").find(key) != std::string::npos, key);
  // The metrics name the software that produced them.
  CHECK(read(dir / "run1" / "metrics.json").find(std::string("\"software\": {\"version\": \"") + tools::version() + "\", \"commit\": \"" +
                                                 tools::commit() + "\"}") != std::string::npos);
  CHECK(std::string(tools::commit()) != "");

  train::run_experiment(config, quiet_options(dir / "run2"));
  CHECK(read(dir / "run1" / "metrics.json") == read(dir / "run2" / "metrics.json"));
  CHECK(read(dir / "run1" / "predictions.csv") == read(dir / "run2" / "predictions.csv"));

  // A run folder is never overwritten by accident; --resume of a finished run only rewrites the report.
  CHECK_THROWS_WITH_AS(train::run_experiment(config, quiet_options(dir / "run1")), doctest::Contains("already holds a run"), Error);
  auto resume = quiet_options(dir / "run1");
  resume.resume = true;
  train::run_experiment(config, resume);
  CHECK(read(dir / "run1" / "metrics.json") == read(dir / "run2" / "metrics.json"));
  const auto changed = train::parse_experiment(experiment_yaml(dir / "c.h5", 4), "tiny.yaml");
  CHECK_THROWS_WITH_AS(train::run_experiment(changed, resume), doctest::Contains("differs from the run's config.yaml"), Error);
  // ... and the refusal names the key.
  CHECK_THROWS_WITH_AS(train::run_experiment(changed, resume), doctest::Contains("first at training.epochs: the run has 3, this config 4"), Error);
}

TEST_CASE("plot_run.py draws the ROC / confusion and training plots of a run folder") {
  if (!has_matplotlib()) return;
  TempDir dir;
  write_cohort(dir / "c.h5", 15);
  train::run_experiment(train::parse_experiment(experiment_yaml(dir / "c.h5", 2), "tiny.yaml"), quiet_options(dir / "run"));
  const std::string command =
      "/usr/bin/python3 " LDD_SOURCE_DIR "/scripts/plot_run.py '" + (dir / "run").string() + "' > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  for (const char* f : kRunPlots) {
    const std::string png = read(dir / "run" / "plots" / f);
    CHECK_MESSAGE(png.rfind("\x89PNG", 0) == 0, f);
  }
  // A broken input is reported, not plotted.
  std::filesystem::remove(dir / "run" / "metrics.json");
  CHECK(std::system(command.c_str()) != 0);
}

TEST_CASE("train moved away from the source tree, with plot_run.py in ../share/ldd as cmake --install lays them out, still plots") {
  if (!has_matplotlib()) return;
  TempDir dir;
  write_cohort(dir / "c.h5", 15);
  std::ofstream(dir / "tiny.yaml") << experiment_yaml(dir / "c.h5", 2);
  const auto prefix = dir / "prefix with a space";
  std::filesystem::create_directories(prefix / "bin");
  std::filesystem::create_directories(prefix / "share" / "ldd");
  const std::filesystem::path built = LDD_TRAIN_BINARY;
  std::filesystem::copy_file(built, prefix / "bin" / "train");
  std::filesystem::copy_file(built.parent_path().parent_path() / "share" / "ldd" / "plot_run.py", prefix / "share" / "ldd" / "plot_run.py");
  const std::string moved = quoted(prefix / "bin" / "train");
  auto train = [&](const std::string& out) {
    const std::string command = moved + " " + quoted(dir / "tiny.yaml") + " --out " + quoted(dir / out) + " --quiet --threads 2 > /dev/null 2>&1";
    return std::system(command.c_str());
  };
  REQUIRE(train("run") == 0);
  for (const char* f : kRunPlots)
    CHECK_MESSAGE(read(dir / "run" / "plots" / f).rfind("\x89PNG", 0) == 0, f);
  // Without the script the run still finishes, and its report says where the script was looked for.
  std::filesystem::remove(prefix / "share" / "ldd" / "plot_run.py");
  REQUIRE(train("bare") == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "bare" / "plots" / "roc.png"));
  CHECK(read(dir / "bare" / "report.md").find((prefix / "share" / "ldd" / "plot_run.py").string()) != std::string::npos);
}

TEST_CASE("a run killed mid-fold resumes from its checkpoint and ends with the same metrics") {
  TempDir dir;
  write_cohort(dir / "c.h5", 24);
  const std::string yaml = experiment_yaml(dir / "c.h5", 40, "validation:\n  fraction: 0.2\n  patience: 100\n");
  std::ofstream(dir / "tiny.yaml") << yaml;
  train::run_experiment(train::parse_experiment(yaml, "tiny.yaml"), quiet_options(dir / "whole"));

  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string config = (dir / "tiny.yaml").string(), out = (dir / "killed").string();
    ::execl(LDD_TRAIN_BINARY, "train", config.c_str(), "--out", out.c_str(), "--quiet", "--no-plots", "--threads", "2", nullptr);
    ::_exit(127);
  }
  // Kill it once fold 2 has checkpointed an epoch: fold 1 is complete, fold 2 is half-way.
  const auto checkpoint = dir / "killed" / "fold-2" / "checkpoint.h5";
  int status = 0;
  REQUIRE_MESSAGE(testing::wait_for_path(checkpoint, child, 300, &status), "train exited (status " << status << ") or ran 300 s before fold 2 checkpointed");
  ::kill(child, SIGKILL);
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  REQUIRE(std::filesystem::exists(dir / "killed" / "fold-1" / "predictions.csv"));
  CHECK(!std::filesystem::exists(dir / "killed" / "metrics.json"));
  const std::string fold1 = read(dir / "killed" / "fold-1" / "predictions.csv");

  auto resume = quiet_options(dir / "killed");
  resume.resume = true;
  resume.threads = 2;
  train::run_experiment(train::load_experiment((dir / "tiny.yaml").string()), resume);
  CHECK(read(dir / "killed" / "fold-1" / "predictions.csv") == fold1);  // the completed fold was kept, not redone
  CHECK(read(dir / "killed" / "metrics.json") == read(dir / "whole" / "metrics.json"));
  CHECK(read(dir / "killed" / "predictions.csv") == read(dir / "whole" / "predictions.csv"));
}

TEST_CASE("the imbalance comparison runs every strategy on the same folds and tabulates them") {
  TempDir dir;
  write_cohort(dir / "c.h5", 18);
  const auto config = train::parse_experiment(
      experiment_yaml(dir / "c.h5", 1,
                      "compare:\n  - {strategy: none}\n  - {strategy: oversample}\n  - {strategy: undersample}\n"
                      "  - {strategy: weighted}\n  - {strategy: effective_number}\n  - {strategy: focal}\n"
                      "  - {strategy: smote, k_neighbors: 3}\n  - {strategy: borderline_smote, k_neighbors: 3}\n"),
      "tiny.yaml");
  const auto result = train::run_experiment(config, quiet_options(dir / "cmp"));
  CHECK(result.report == dir / "cmp" / "comparison.md");
  const std::string table = read(result.report);
  for (const char* s : {"| none |", "| oversample |", "| undersample |", "| weighted |", "| effective_number |", "| focal |",
                        "| smote |", "| borderline_smote |", "| never progresses", "| grade prior"})
    CHECK_MESSAGE(table.find(s) != std::string::npos, s);
  // Same folds: every strategy tested the same discs in the same folds.
  auto folds_of = [&](const char* s) {
    std::string out;
    std::istringstream in(read(dir / "cmp" / s / "predictions.csv"));
    for (std::string line; std::getline(in, line);) out += line.substr(0, line.find(',', line.find(',', line.find(',') + 1) + 1)) + "\n";
    return out;
  };
  CHECK(folds_of("none") == folds_of("smote"));
  CHECK(folds_of("none") == folds_of("undersample"));
}

TEST_CASE("a missing cohort without a synthetic section is an error naming the config and the key") {
  TempDir dir;
  const auto config = train::parse_experiment(experiment_yaml(dir / "absent.h5", 1), "tiny.yaml");
  const std::string expected = "tiny.yaml: dataset.cohort: '" + (dir / "absent.h5").string() + "' does not exist";
  CHECK_THROWS_WITH_AS(train::run_experiment(config, quiet_options(dir / "run")), doctest::Contains(expected.c_str()), Error);
}

TEST_CASE("a cohort to ingest from a folder that is not there is an error naming the key") {
  TempDir dir;
  const auto config = train::parse_experiment(
      "name: t\npathology: pfirrmann\ndataset:\n  cohort: " + (dir / "c.h5").string() +
          "\n  ingest:\n    image_folder: " + (dir / "absent").string() + "\n    labels: " + (dir / "g.csv").string() + "\n",
      "real.yaml");
  CHECK_THROWS_WITH_AS(train::run_experiment(config, quiet_options(dir / "run")),
                       doctest::Contains("real.yaml: dataset.ingest.image_folder: '"), Error);
  CHECK_FALSE(std::filesystem::exists(dir / "c.h5"));
}

TEST_CASE("device cuda without a usable GPU stops before any work with the reason") {
  if (kernels::cuda_available()) {
    MESSAGE("a GPU is present: the no-device error cannot be provoked here");
    return;
  }
  TempDir dir;
  const auto config = train::parse_experiment(experiment_yaml(dir / "absent.h5", 1), "tiny.yaml", {"device=cuda"});
  CHECK_THROWS_WITH_AS(train::run_experiment(config, quiet_options(dir / "run")), doctest::Contains("--device cuda: no usable CUDA device"), Error);
  CHECK_FALSE(std::filesystem::exists(dir / "run"));
}

TEST_CASE("target current grades the image seen and reports grading metrics against level baselines") {
  TempDir dir;
  write_cohort(dir / "c.h5", 15);
  train::run_experiment(train::parse_experiment(experiment_yaml(dir / "c.h5", 2, "target: current\n"), "tiny.yaml"),
                        quiet_options(dir / "run"));
  const std::string csv = read(dir / "run" / "predictions.csv");
  CHECK(csv.rfind("subject,level,fold,true_grade,predicted_grade,p_grade_1,", 0) == 0);
  CHECK(csv.find("progression") == std::string::npos);
  // The true grade of every row is the baseline grade stored in the cohort.
  const CohortReader cohort(dir / "c.h5");
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  int rows = 0;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::string subject, level, fold, truth;
    std::getline(cells, subject, ',');
    std::getline(cells, level, ',');
    std::getline(cells, fold, ',');
    std::getline(cells, truth, ',');
    CHECK(std::stoi(truth) == cohort.subject(subject).grade(Visit::Baseline, Pathology::Pfirrmann, parse_level(level)));
    ++rows;
  }
  CHECK(rows > 20);
  const std::string metrics = read(dir / "run" / "metrics.json");
  CHECK(metrics.find("\"target\": \"current\"") != std::string::npos);
  CHECK(metrics.find("\"level_majority\"") != std::string::npos);
  CHECK(metrics.find("\"handcrafted\"") != std::string::npos);
  CHECK(read(dir / "run" / "report.md").find("most common training grade of the disc's level") != std::string::npos);
  if (std::system("/usr/bin/python3 -c 'import matplotlib' 2> /dev/null") == 0) {
    const std::string command = "/usr/bin/python3 " LDD_SOURCE_DIR "/scripts/plot_run.py '" + (dir / "run").string() + "' > /dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(std::filesystem::exists(dir / "run" / "plots" / "confusion.png"));
    CHECK(std::filesystem::exists(dir / "run" / "plots" / "training.png"));
    CHECK_FALSE(std::filesystem::exists(dir / "run" / "plots" / "roc.png"));
  }
}

TEST_CASE("train --threads beyond 1024 is refused before anything runs, not a crash in the OpenMP runtime") {
  TempDir dir;
  std::ofstream(dir / "tiny.yaml") << experiment_yaml(dir / "c.h5", 1);
  CHECK(run_train(quoted(dir / "tiny.yaml") + " --threads 100000 --dry-run", dir / "out.txt") == 1);
  CHECK(read(dir / "out.txt").find("--threads 100000: between 1 and 1024") != std::string::npos);
}

TEST_CASE("a refused resume names the first key that differs, with its section") {
  const std::string run = "name: a\ndataset:\n  synthetic:\n    cohort:\n      subjects: 120\n      seed: 7\ntraining:\n  epochs: 30\n";
  CHECK(train::first_difference(run, run) == "no key differs");
  std::string seed = run;
  seed.replace(seed.find("seed: 7"), 7, "seed: 8");
  CHECK(train::first_difference(run, seed) == "first at dataset.synthetic.cohort.seed: the run has 7, this config 8");
  CHECK(train::first_difference(run, run + "folds: 5\n") == "first at folds: the run has none, this config 5");
}

TEST_CASE("--dry-run meets the refusals of the real run: a missing cohort, a folder that holds a run, a changed config on --resume") {
  TempDir dir;
  const auto missing = train::parse_experiment(experiment_yaml(dir / "absent.h5", 2), "tiny.yaml");
  CHECK_THROWS_WITH_AS(train::check_can_start(missing, quiet_options(dir / "run")), doctest::Contains("dataset.cohort: '"), Error);
  write_cohort(dir / "c.h5", 24);
  const auto config = train::parse_experiment(experiment_yaml(dir / "c.h5", 2), "tiny.yaml");
  CHECK_NOTHROW(train::check_can_start(config, quiet_options(dir / "run")));
  std::filesystem::create_directories(dir / "run");
  std::ofstream(dir / "run" / "config.yaml") << config.to_yaml();
  CHECK_THROWS_WITH_AS(train::check_can_start(config, quiet_options(dir / "run")), doctest::Contains("already holds a run"), Error);
  auto resume = quiet_options(dir / "run");
  resume.resume = true;
  CHECK_NOTHROW(train::check_can_start(config, resume));
  const auto changed = train::parse_experiment(experiment_yaml(dir / "c.h5", 5), "tiny.yaml");
  CHECK_THROWS_WITH_AS(train::check_can_start(changed, resume), doctest::Contains("first at training.epochs"), Error);
  // The command: exit 1 with the reason, after the resolved config.
  std::ofstream(dir / "tiny.yaml") << experiment_yaml(dir / "absent.h5", 2);
  CHECK(run_train(quoted(dir / "tiny.yaml") + " --dry-run", dir / "out.txt") == 1);
  CHECK(read(dir / "out.txt").find("does not exist, and there is no dataset.synthetic") != std::string::npos);
}

TEST_CASE("train --version names the version and the commit") {
  TempDir dir;
  CHECK(run_train("--version", dir / "out.txt") == 0);
  CHECK(read(dir / "out.txt") == "train: " + tools::version_line() + "\n");
  CHECK(tools::version_line().rfind(std::string("ldd ") + tools::version() + " (commit ", 0) == 0);
}

TEST_CASE("a run folder is locked while train writes it: a second writer stops at once and names the first") {
  TempDir dir;
  write_cohort(dir / "c.h5", 24);
  const io::FileLock held(dir / "run", "train (pid 4242)");  // as another process holding it would
  try {
    train::run_experiment(train::parse_experiment(experiment_yaml(dir / "c.h5", 1), "tiny.yaml"), quiet_options(dir / "run"));
    FAIL("a second writer was let in");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find("is being written by train (pid 4242)") != std::string::npos, message);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "run" / "config.yaml"));  // nothing written
}

TEST_CASE("pre-training: every fold starts from model.init_weights, and a network that does not fit stops the run before it starts") {
  TempDir dir;
  write_cohort(dir / "c.h5", 15);
  const std::string yaml = experiment_yaml(dir / "c.h5", 2, "target: current\n");
  train::run_experiment(train::parse_experiment(yaml, "tiny.yaml"), quiet_options(dir / "pre"));
  const auto weights = dir / "pre" / "fold-1" / "checkpoint.h5";

  // Largest parameter change from the pre-trained weights after one epoch at a learning rate too small to move them.
  auto moved_from_pretrained = [&](const std::vector<std::string>& overrides, const std::filesystem::path& out) {
    train::run_experiment(train::parse_experiment(yaml, "tiny.yaml", overrides), quiet_options(out));
    const auto a = hdf5::File::open_read(weights), b = hdf5::File::open_read(out / "fold-2" / "checkpoint.h5");
    double worst = 0;
    for (const auto& name : a.members("/model/parameters")) {
      const auto x = a.read<float>("/model/parameters/" + name), y = b.read<float>("/model/parameters/" + name);
      REQUIRE(x.size() == y.size());
      for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - y[i]));
    }
    return worst;
  };
  const std::vector<std::string> still{"training.epochs=1", "optimizer.learning_rate=1e-8"};
  auto with_init = still;
  with_init.push_back("model.init_weights=" + weights.string());
  CHECK(moved_from_pretrained(with_init, dir / "fine") < 1e-5);
  CHECK(moved_from_pretrained(still, dir / "random") > 1e-2);
  CHECK(read(dir / "fine" / "config.yaml").find("init_weights: " + weights.string()) != std::string::npos);

  std::string refused;
  try {
    train::run_experiment(train::parse_experiment(yaml, "tiny.yaml", {"model.init_weights=" + weights.string(), "model.fc_width=12"}),
                          quiet_options(dir / "misfit"));
  } catch (const Error& e) {
    refused = e.what();
  }
  CHECK(refused.find("tiny.yaml: model.init_weights: ") == 0);
  CHECK(refused.find("fc6") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "misfit" / "config.yaml"));
  CHECK_THROWS_WITH_AS(train::parse_experiment(yaml, "tiny.yaml", {"model.init_weights=''"}),
                       doctest::Contains("model.init_weights: an empty path"), Error);
  CHECK_THROWS_WITH_AS(train::run_experiment(train::parse_experiment(yaml, "tiny.yaml", {"model.init_weights=" + (dir / "none.h5").string()}),
                                             quiet_options(dir / "absent")),
                       doctest::Contains("model.init_weights: '"), Error);
}
