// Writes a whole text file under a temporary name in the same folder and renames it into place, so a
// reader (or a run killed half-way) never sees half a file.
#pragma once
#include <filesystem>
#include <string>

namespace ldd::io {

void write_text_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace ldd::io
