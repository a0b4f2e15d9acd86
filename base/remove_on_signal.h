// Temporary files that are removed when the process is ended by SIGINT, SIGTERM or SIGHUP (Ctrl-C, kill,
// a closed terminal), before it ends as the signal would have ended it. SIGKILL cannot be caught: what it
// leaves, the next run of the same command removes (hdf5::File's stale "<name>.tmp-<pid>", segflow's
// overwritten copy). The registry is the one piece of process-wide state here: a signal handler has no
// other way to learn what to remove, and it only calls unlink(2) on paths stored in advance. A handler
// that was installed before (a test framework's) still runs after the removal.
#pragma once
#include <filesystem>

namespace ldd::io {

// Registers `path` (at most 32 at once; beyond that it is left to the next run's cleanup). Each
// registration keeps a small copy of the path for the life of the process.
void remove_on_signal(const std::filesystem::path& path);
// Unregisters it: the file was renamed into place or removed.
void keep_on_signal(const std::filesystem::path& path);

}  // namespace ldd::io
