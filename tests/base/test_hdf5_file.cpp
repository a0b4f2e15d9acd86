// The HDF5 RAII layer: typed round trips, attributes, atomic creation, and errors that name the file and
// the object.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/check.h"
#include "base/hdf5/file.h"
#include "data/io/file_lock.h"
#include "data/io/text_file.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace ldd;
using ldd::testing::TempDir;

TEST_CASE("datasets and attributes round-trip with their types and shapes" * doctest::test_suite("smoke")) {
  TempDir dir;
  const auto path = dir / "a.h5";
  {
    auto f = hdf5::File::create(path);
    const std::vector<float> values{1.5f, -2.0f, 3.25f, 4.0f, 5.0f, 6.0f};
    f.write<float>("/group/sub/values", values, {2, 3});
    const std::vector<std::uint16_t> image(7 * 5, 4095);
    f.write<std::uint16_t>("/image", image, {7, 5}, {.chunk = {7, 5}, .deflate_level = 4, .shuffle = true});
    f.write<std::int32_t>("/labels", std::vector<std::int32_t>{-1, 0, 3}, {3});
    f.set_attribute("/group", "name", std::string("L4-L5"));
    f.set_attribute("/group", "count", std::int64_t{42});
    f.set_attribute("/", "spacing", 0.625);
    CHECK(!std::filesystem::exists(path));  // not before commit
    f.commit();
  }
  REQUIRE(std::filesystem::exists(path));
  const auto f = hdf5::File::open_read(path);
  hdf5::Dims dims;
  CHECK(f.read<float>("/group/sub/values", &dims) == std::vector<float>{1.5f, -2.0f, 3.25f, 4.0f, 5.0f, 6.0f});
  CHECK(dims == hdf5::Dims{2, 3});
  CHECK(f.read<std::uint16_t>("/image") == std::vector<std::uint16_t>(35, 4095));
  CHECK(f.read<std::int32_t>("/labels") == std::vector<std::int32_t>{-1, 0, 3});
  CHECK(f.read<std::int64_t>("/labels") == std::vector<std::int64_t>{-1, 0, 3});  // converted on read
  CHECK(f.string_attribute("/group", "name") == "L4-L5");
  CHECK(f.int_attribute("/group", "count") == 42);
  CHECK(f.double_attribute("/", "spacing") == 0.625);
  CHECK(f.members("/group") == std::vector<std::string>{"sub"});
  CHECK(f.exists("/group/sub/values"));
  CHECK(!f.exists("/group/nothing/values"));
  CHECK(f.attribute_names("/group") == std::vector<std::string>{"count", "name"});
}

TEST_CASE("HDF5 errors name the file and the object / and a failed write leaves nothing behind") {
  TempDir dir;
  const auto path = dir / "b.h5";
  {
    auto f = hdf5::File::create(path);
    f.write<float>("/x", std::vector<float>{1, 2}, {2});
    f.commit();
  }
  const auto f = hdf5::File::open_read(path);
  CHECK_THROWS_WITH_AS(f.read<float>("/missing"), doctest::Contains("b.h5' has no dataset '/missing'"), Error);
  CHECK_THROWS_WITH_AS(f.read<std::int32_t>("/x"), doctest::Contains("holds floating-point values"), Error);
  CHECK_THROWS_WITH_AS(f.string_attribute("/", "nothing"), doctest::Contains("has no attribute 'nothing'"), Error);
  CHECK_THROWS_WITH_AS(hdf5::File::open_read(dir / "none.h5"), doctest::Contains("none.h5' does not exist"), Error);
  {
    std::ofstream junk(dir / "junk.h5");
    junk << "this is not HDF5";
  }
  CHECK_THROWS_WITH_AS(hdf5::File::open_read(dir / "junk.h5"), doctest::Contains("not an HDF5 file"), Error);
  {
    auto g = hdf5::File::create(dir / "c.h5");
    g.write<float>("/y", std::vector<float>{1}, {1});
    CHECK_THROWS_WITH_AS(g.write<float>("/y", std::vector<float>{1}, {1}), doctest::Contains("already exists"), Error);
    CHECK_THROWS_WITH_AS(g.write<float>("/z", std::vector<float>{1, 2, 3}, {2}), doctest::Contains("3 values"), Error);
  }  // destroyed without commit()
  CHECK(!std::filesystem::exists(dir / "c.h5"));
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 2);  // b.h5 and junk.h5 only
}

TEST_CASE("a byte changed in an object's header is refused with an error, not read as another value") {
  // The file format carries checksums over object headers: without them this flipped byte of an
  // attribute's value reads back as another number, and others overflow libhdf5's decoder (tests/fuzz).
  TempDir dir;
  const auto path = dir / "d.h5";
  constexpr double age = 63.4375;
  {
    auto f = hdf5::File::create(path);
    f.write<float>("/subjects/7/baseline/image", std::vector<float>(12, 1.0f), {3, 4});
    f.set_attribute("/subjects/7", "age", age);
    f.commit();
  }
  std::string bytes = io::read_text(path);
  const std::string value(reinterpret_cast<const char*>(&age), sizeof age);
  const auto at = bytes.find(value);
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes.find(value, at + 1) == std::string::npos);
  bytes[at + 3] = static_cast<char>(bytes[at + 3] ^ 0x10);
  io::write_text_atomically(path, bytes);
  auto read_age = [&] { return hdf5::File::open_read(path).double_attribute("/subjects/7", "age"); };
  CHECK_THROWS_WITH_AS(read_age(), doctest::Contains("d.h5"), Error);
}

TEST_CASE("a new file's writer removes the temporaries of killed writers of it, not a live writer's") {
  ldd::testing::TempDir dir;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // its pid now belongs to no process
  const auto dead = dir / ("c.h5.tmp-" + std::to_string(child)), live = dir / ("c.h5.tmp-" + std::to_string(::getppid()));
  const auto other = dir / ("d.h5.tmp-" + std::to_string(child));
  for (const auto& p : {dead, live, other}) std::ofstream(p) << "left behind";
  auto f = hdf5::File::create(dir / "c.h5");
  f.commit();
  CHECK_FALSE(std::filesystem::exists(dead));
  CHECK(std::filesystem::exists(live));   // its writer still runs
  CHECK(std::filesystem::exists(other));  // another file's
}

namespace {

// 256 KiB of tmpfs mounted at `at` for the test's lifetime (root only: `mounted` says whether it is).
struct SmallDisk {
  std::filesystem::path at;
  bool mounted = false;
  explicit SmallDisk(std::filesystem::path where) : at(std::move(where)) {
    std::filesystem::create_directories(at);
    mounted = std::system(("mount -t tmpfs -o size=256k tmpfs '" + at.string() + "' 2> /dev/null").c_str()) == 0;
    if (!mounted) MESSAGE("skipped: a small tmpfs to fill cannot be mounted here (needs root)");
  }
  ~SmallDisk() {
    if (mounted) (void)std::system(("umount '" + at.string() + "'").c_str());
  }
};

}  // namespace

TEST_CASE("a disk that fills while synth writes: the system's reason, exit status 1, no crash at exit, no temporary left") {
  TempDir dir;
  const SmallDisk small(dir / "small-disk");  // the first subject's image does not fit
  if (!small.mounted) return;
  const auto& disk = small.at;
  const auto log = dir / "synth.log";
  const std::string command =
      std::string(LDD_SYNTH_BINARY) + " --out '" + (disk / "c.h5").string() + "' --subjects 4 > '" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  INFO("synth said: " << text.str());
  REQUIRE(WIFEXITED(status));  // it crashed at exit (SIGSEGV in HDF5's clean-up) after reporting the error
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(text.str().find("(No space left on device)") != std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(disk))  // neither c.h5 nor its c.h5.tmp-<pid>
    CHECK(entry.path() == io::FileLock::lock_path(disk / "c.h5"));  // the writers' lock (data/io/file_lock.h) may stay
}

TEST_CASE("a disk that fills while a file is committed: an error naming the reason, no crash, no temporary left") {
  TempDir dir;
  const SmallDisk small(dir / "small-disk");
  if (!small.mounted) return;
  const auto& disk = small.at;
  // Little room left, so that the data is written but the flush at commit fails (as ingest met it):
  // libhdf5 crashed when the failed file was closed a second time.
  int failed_at_commit = 0;
  for (int free_kib = 2; free_kib <= 40; free_kib += 2) {
    std::filesystem::remove(disk / "a.h5");
    io::write_text_atomically(disk / "filler", std::string(static_cast<std::size_t>(256 - free_kib) * 1024, 'x'));
    CAPTURE(free_kib);
    try {
      auto f = hdf5::File::create(disk / "a.h5");
      // Chunked, as cohort images are: the chunk cache holds the data until the file is flushed.
      std::vector<float> image(64 * 64);
      for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<float>((i * 7919) % 4099);
      f.write<float>("/subjects/S1/baseline/image", image, {64, 64}, {.chunk = {64, 64}, .deflate_level = 1});
      // Groups and attributes stay in the metadata cache until the file is closed: their flush fails at commit.
      for (int subject = 2; subject < 40; ++subject) f.set_attribute("/subjects", "age of S" + std::to_string(subject), 50.0 + subject);
      f.set_attribute("/subjects/S1", "age", 50.0);
      f.commit();
      CHECK(hdf5::File::open_read(disk / "a.h5").read<float>("/subjects/S1/baseline/image") == image);
    } catch (const Error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(what.find("No space left on device") != std::string::npos);
      failed_at_commit += what.find("cannot flush and close") != std::string::npos;
    }
    for (const auto& entry : std::filesystem::directory_iterator(disk))
      CHECK((entry.path().filename() == "filler" || entry.path().filename() == "a.h5"));
    std::filesystem::remove(disk / "filler");
  }
  CHECK(failed_at_commit > 0);  // else this test never met the case it is about
}

namespace {

// Starts `argv` with its output in `log`; returns its pid. Everything is prepared before fork(): the
// child of a multithreaded process may only call async-signal-safe functions.
pid_t start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out);
  return child;
}

}  // namespace

TEST_CASE("SIGTERM or Ctrl-C while synth and segflow write: their temporary copies are removed, the cohort is untouched") {
  TempDir dir;
  const auto cohort = dir / "c.h5";
  for (const int sig : {SIGTERM, SIGINT}) {
    const pid_t synth = start({LDD_SYNTH_BINARY, "--out", cohort.string(), "--subjects", "400", "--quiet"}, dir / "synth.log");
    const auto temporary = dir / ("c.h5.tmp-" + std::to_string(synth));
    REQUIRE(testing::wait_for_path(temporary, synth, 60));
    ::kill(synth, sig);
    int status = 0;
    ::waitpid(synth, &status, 0);
    CHECK(WIFSIGNALED(status));  // it ends as the signal ends a process, after removing its temporary
    CHECK_FALSE(std::filesystem::exists(temporary));
    CHECK_FALSE(std::filesystem::exists(cohort));
  }
  // segflow writes into a copy of the cohort; stopped, the copy goes and the cohort keeps its bytes.
  REQUIRE(std::system((std::string(LDD_SYNTH_BINARY) + " --out '" + cohort.string() + "' --subjects 3 --quiet > /dev/null 2>&1").c_str()) == 0);
  const std::string before = io::read_text(cohort);
  const pid_t segflow = start({LDD_SEGFLOW_BINARY, "--cohort", cohort.string(), "--quiet", "--threads", "1"}, dir / "segflow.log");
  auto copy = cohort;
  copy += ".segflow-tmp";
  REQUIRE(testing::wait_for_path(copy, segflow, 60));
  ::usleep(200000);  // into the refinement's training
  ::kill(segflow, SIGTERM);
  int status = 0;
  ::waitpid(segflow, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK_FALSE(std::filesystem::exists(copy));
  CHECK(io::read_text(cohort) == before);
}
