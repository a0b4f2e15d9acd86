#include "base/remove_on_signal.h"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

namespace ldd::io {
namespace {

constexpr std::size_t kSlots = 32;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// A slot holds a path that is never freed or changed once published, so the handler can read it at any
// moment; unregistering only empties the slot. (At most a few paths a run, so the leak is bounded.)
static_assert(std::atomic<const char*>::is_always_lock_free);
constinit std::array<std::atomic<const char*>, kSlots> slots{};
constinit std::array<struct sigaction, 3> previous{};
std::mutex registry;
// Unregistered paths, kept reachable (never freed, see above). The list itself is never destroyed: as a
// plain global its destructor freed the list at exit, and LeakSanitizer then reported the paths as leaks.
std::vector<const char*>& retired = *new std::vector<const char*>;

extern "C" void remove_and_reraise(int sig) {
  for (auto& slot : slots)
    if (const char* path = slot.load()) ::unlink(path);
  // End as the signal would have ended the process before: under the handler it had, or by default.
  for (std::size_t i = 0; i < std::size(kSignals); ++i)
    if (kSignals[i] == sig) {
      if (previous[i].sa_handler != SIG_DFL && previous[i].sa_handler != SIG_IGN && !(previous[i].sa_flags & SA_SIGINFO)) {
        previous[i].sa_handler(sig);
        return;
      }
      ::sigaction(sig, &previous[i], nullptr);
    }
  ::raise(sig);
}

void install_handlers_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (std::size_t i = 0; i < std::size(kSignals); ++i) {
      ::sigaction(kSignals[i], nullptr, &previous[i]);
      if (previous[i].sa_handler == SIG_IGN) continue;  // e.g. started under nohup: keep ignoring it
      struct sigaction now {};
      now.sa_handler = remove_and_reraise;
      sigemptyset(&now.sa_mask);
      ::sigaction(kSignals[i], &now, nullptr);
    }
  });
}

}  // namespace

void remove_on_signal(const std::filesystem::path& path) {
  const std::string text = std::filesystem::absolute(path).string();
  install_handlers_once();
  const std::lock_guard lock(registry);
  for (auto& slot : slots)
    if (slot.load() == nullptr) {
      char* copy = new char[text.size() + 1];
      std::memcpy(copy, text.c_str(), text.size() + 1);
      slot.store(copy);
      return;
    }
}

void keep_on_signal(const std::filesystem::path& path) {
  const std::string text = std::filesystem::absolute(path).string();
  const std::lock_guard lock(registry);
  for (auto& slot : slots)
    if (const char* held = slot.load(); held && text == held) {
      slot.store(nullptr);  // not freed: the handler may be reading it on another thread
      retired.push_back(held);
      return;
    }
}

}  // namespace ldd::io
