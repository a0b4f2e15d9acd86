// `train` end to end with device: cuda against the same experiment on the CPU: both complete every fold
// and write the same run files; the GPU's predictions agree with the CPU's on at least 90 % of discs
// (the two trainings differ only by rounding, which can flip a near-tie between grades).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/tiny_experiment.h"
#include "train/experiment.h"
#include "train/experiment_config.h"

using namespace ldd;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The predicted follow-up grade column of predictions.csv, by header name.
std::vector<std::string> predicted_grades(const std::filesystem::path& csv) {
  const auto lines = lines_of(csv);
  REQUIRE(!lines.empty());
  std::vector<std::string> header;
  std::stringstream h(lines[0]);
  for (std::string cell; std::getline(h, cell, ',');) header.push_back(cell);
  const auto column = static_cast<std::size_t>(std::find(header.begin(), header.end(), "predicted_followup_grade") - header.begin());
  REQUIRE(column < header.size());
  std::vector<std::string> grades;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::stringstream row(lines[i]);
    std::string cell;
    for (std::size_t c = 0; c <= column; ++c) std::getline(row, cell, ',');
    grades.push_back(cell);
  }
  return grades;
}

}  // namespace

TEST_CASE("train with device cuda completes every fold and predicts as the CPU run does") {
  testing::TempDir dir;
  testing::write_cohort(dir / "cohort.h5", 30);
  auto run = [&](const std::string& device) {
    const auto config = train::parse_experiment(testing::experiment_yaml(dir / "cohort.h5", 3), "tiny.yaml", {"device=" + device});
    train::RunOptions o;
    o.out = dir / device;
    o.quiet = true;
    o.plots = false;
    o.log = [](const std::string&) {};
    return train::run_experiment(config, o);
  };
  const auto gpu = run("cuda"), cpu = run("cpu");
  REQUIRE(!gpu.report.empty());
  for (const char* file : {"metrics.json", "predictions.csv", "report.md", "config.yaml"})
    CHECK(std::filesystem::exists(dir / "cuda" / file));
  const auto g = predicted_grades(dir / "cuda" / "predictions.csv"), c = predicted_grades(dir / "cpu" / "predictions.csv");
  REQUIRE(g.size() == c.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < g.size(); ++i) same += g[i] == c[i];
  INFO(same << " of " << g.size() << " predicted grades agree");
  CHECK(same * 10 >= g.size() * 9);
}
