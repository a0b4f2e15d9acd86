#include "data/io/text_file.h"

#include <fstream>
#include <sstream>

#include "base/check.h"

namespace ldd::io {

std::string read_text(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path);
  LDD_CHECK(in.good(), path.string() << ": cannot read the " << what);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    LDD_CHECK(out.good(), temporary.string() << ": cannot open for writing");
    out << text;
    out.flush();
    LDD_CHECK(out.good(), temporary.string() << ": write failed (disk full?)");
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace ldd::io
