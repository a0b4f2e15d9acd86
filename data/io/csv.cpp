#include "data/io/csv.h"

#include <fstream>

#include "base/check.h"

namespace ldd::io {
namespace {

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == separator && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  for (auto& cell : cells) {
    cell.erase(0, cell.find_first_not_of(" \t"));
    cell.erase(cell.find_last_not_of(" \t") + 1);
  }
  return cells;
}

}  // namespace

CsvTable CsvTable::read(const std::filesystem::path& path) {
  std::ifstream in(path);
  LDD_CHECK(in.good(), "cannot read CSV file '" << path.string() << "'");
  return parse(in, path);
}

CsvTable CsvTable::parse(std::istream& in, const std::filesystem::path& path) {
  CsvTable t;
  t.path_ = path;
  std::string line;
  std::size_t number = 0;
  char separator = ',';
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // the byte-order mark Excel writes
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (t.columns_.empty() && line.find(',') == std::string::npos && line.find(';') != std::string::npos)
      separator = ';';  // Excel's CSV where the decimal mark is a comma
    auto cells = split(line, separator);
    if (t.columns_.empty()) {
      for (std::size_t c = 0; c < cells.size(); ++c)
        LDD_CHECK(t.columns_.emplace(cells[c], c).second, path.string() << ", line " << number << ": column '" << cells[c]
                                                                         << "' appears twice in the header");
      continue;
    }
    LDD_CHECK(cells.size() == t.columns_.size(), path.string() << ", line " << number << ": " << cells.size()
                                                              << " cells, the header has " << t.columns_.size());
    t.cells_.push_back(std::move(cells));
    t.line_numbers_.push_back(number);
  }
  LDD_CHECK(!t.columns_.empty(), "CSV file '" << path.string() << "' is empty (no header row)");
  return t;
}

void CsvTable::require_columns(const std::vector<std::string>& names) const {
  std::string missing;
  for (const auto& n : names)
    if (!has_column(n)) missing += (missing.empty() ? "" : ", ") + n;
  std::string found;
  for (const auto& [name, index] : columns_) found += (found.empty() ? "'" : ", '") + name + "'";
  LDD_CHECK(missing.empty(), path_.string() << ": missing column(s) " << missing << " (the header has " << found << ")");
}

std::vector<std::string> CsvTable::columns() const {
  std::vector<std::string> names(columns_.size());
  for (const auto& [name, index] : columns_) names[index] = name;
  return names;
}

const std::string& CsvTable::cell(std::size_t row, const std::string& column) const {
  const auto it = columns_.find(column);
  LDD_CHECK(it != columns_.end(), path_.string() << ": no column '" << column << "'");
  return cells_[row][it->second];
}

std::string CsvTable::where(std::size_t row, const std::string& column) const {
  return path_.string() + ", line " + std::to_string(line_numbers_[row]) + ", column '" + column + "'";
}

}  // namespace ldd::io
