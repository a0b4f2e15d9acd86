// Whole text files: read at once, and written under a temporary name in the same folder then renamed
// into place, so a reader (or a run killed half-way) never sees half a file.
#pragma once
#include <filesystem>
#include <string>

namespace ldd::io {

// Throws "<path>: cannot read the <what>" when the file cannot be opened.
std::string read_text(const std::filesystem::path& path, const std::string& what = "file");
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace ldd::io
