#include "data/io/remove_on_signal.h"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

namespace ldd::io {
namespace {

constexpr std::size_t kSlots = 32, kPathBytes = 4096;

struct Slot {
  std::atomic<bool> used{false};
  char path[kPathBytes]{};
};

std::array<Slot, kSlots>& slots() {
  static std::array<Slot, kSlots> all;
  return all;
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

extern "C" void remove_and_reraise(int sig) {
  for (Slot& s : slots())
    if (s.used.load()) ::unlink(s.path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_handlers_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction now {};
      struct sigaction before {};
      ::sigaction(sig, nullptr, &before);
      if (before.sa_handler == SIG_IGN) continue;  // e.g. started under nohup: keep ignoring it
      now.sa_handler = remove_and_reraise;
      sigemptyset(&now.sa_mask);
      ::sigaction(sig, &now, nullptr);
    }
  });
}

}  // namespace

void remove_on_signal(const std::filesystem::path& path) {
  const std::string text = std::filesystem::absolute(path).string();
  if (text.size() >= kPathBytes) return;
  install_handlers_once();
  const std::lock_guard lock(registry_mutex());
  for (Slot& s : slots())
    if (!s.used.load()) {
      std::memcpy(s.path, text.c_str(), text.size() + 1);
      s.used.store(true);
      return;
    }
}

void keep_on_signal(const std::filesystem::path& path) {
  const std::string text = std::filesystem::absolute(path).string();
  const std::lock_guard lock(registry_mutex());
  for (Slot& s : slots())
    if (s.used.load() && text == s.path) {
      s.used.store(false);
      return;
    }
}

}  // namespace ldd::io
