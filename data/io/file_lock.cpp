#include "data/io/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/check.h"

namespace ldd::io {

std::filesystem::path FileLock::lock_path(const std::filesystem::path& target) {
  const auto absolute = std::filesystem::absolute(target).lexically_normal();
  const auto name = absolute.has_filename() ? absolute.filename() : absolute.parent_path().filename();
  const auto folder = absolute.has_filename() ? absolute.parent_path() : absolute.parent_path().parent_path();
  std::string file = ".";  // appended, not "." + ...: GCC 12 warns falsely (-Wrestrict) on that
  file += name.string();
  file += ".lock";
  return folder / file;
}

FileLock::FileLock(const std::filesystem::path& target, const std::string& what) {
  const auto path = lock_path(target);
  std::filesystem::create_directories(path.parent_path());
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  LDD_CHECK(fd_ >= 0, "cannot create the lock file '" << path.string() << "': " << std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[256] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    fd_ = -1;
    std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : std::string("another process");
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    throw Error(target.string() + " is being written by " + who + " (lock " + path.string() + "); wait for it to finish, or " +
                "write elsewhere");
  }
  char pid[48];
  std::snprintf(pid, sizeof pid, " (pid %ld)\n", static_cast<long>(::getpid()));
  const std::string me = what + pid;
  if (::ftruncate(fd_, 0) == 0) {
    const ssize_t written = ::pwrite(fd_, me.data(), me.size(), 0);
    (void)written;  // the holder's name only helps the message; the lock is what matters
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace ldd::io
