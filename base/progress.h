// A one-line progress bar on stderr: "[#####     ] 512/1343 subjects, 41 s, ETA 66 s". Redrawn in place on a
// terminal; on a pipe or log file it prints a line every 10 % instead, so logs stay readable.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/clock.h"

namespace ldd::tools {

class ProgressBar {
 public:
  ProgressBar(std::string unit, bool quiet) : unit_(std::move(unit)), quiet_(quiet), tty_(::isatty(2)), start_(monotonic_seconds()) {}

  // `note` follows the ETA, e.g. "loss 0.812, accuracy 0.64".
  void update(std::int64_t done, std::int64_t total, const std::string& note = "") {
    if (quiet_ || total <= 0) return;
    const double elapsed = monotonic_seconds() - start_;
    const double eta = done > 0 ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
    const int tenth = static_cast<int>(10 * done / total);
    if (!tty_ && tenth == last_tenth_ && done != total) return;
    last_tenth_ = tenth;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done / total);
    std::fprintf(stderr, "%s[%s%s] %lld/%lld %s, %.0f s, ETA %.0f s%s%s%s", tty_ ? "\r" : "",
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), unit_.c_str(), elapsed, eta, note.empty() ? "" : ", ", note.c_str(),
                 tty_ && done != total ? "\x1b[K" : "\n");
    std::fflush(stderr);
  }

 private:
  std::string unit_;
  bool quiet_, tty_;
  double start_;
  int last_tenth_ = -1;
};

}  // namespace ldd::tools
