#include "data/io/atomic_write.h"

#include <fstream>

#include "kernels/check.h"

namespace ldd::io {

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
