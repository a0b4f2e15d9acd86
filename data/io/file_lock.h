// An exclusive lock on something a command writes (a run folder, a cohort file), so that a second writer
// stops at once and names the first instead of interleaving with it. The lock is flock(2) on a small
// hidden file beside the target (".<name>.lock", holding the holder's pid and command): the kernel
// releases it when the holder exits, however it exits, so a killed run never leaves a stale lock.
#pragma once
#include <filesystem>
#include <string>

namespace ldd::io {

class FileLock {
 public:
  // Throws ldd::Error naming the holder when another process holds the lock on `target`. `what` says what
  // the caller does ("train", "segflow"), for the message another process gets.
  FileLock(const std::filesystem::path& target, const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  static std::filesystem::path lock_path(const std::filesystem::path& target);

 private:
  int fd_ = -1;
};

}  // namespace ldd::io
