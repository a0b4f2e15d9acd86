// Waiting on a child process of a test (a `train`, `synth` or `mpirun` it started) for a file it writes.
#pragma once
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace ldd::testing {

// Polls every millisecond, up to `seconds`, for `path` to appear while `child` runs. True when it appeared;
// false when the child ended first (its wait status into *status, when given; it is reaped) or time ran out.
inline bool wait_for_path(const std::filesystem::path& path, pid_t child, double seconds, int* status = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(path)) return true;
    int s = 0;
    if (::waitpid(child, &s, WNOHANG) == child) {
      if (status) *status = s;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace ldd::testing
