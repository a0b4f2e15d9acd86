// Reading CSV tables for ingest: a header row, comma-separated cells (semicolon-separated when the header
// has semicolons and no comma, as Excel writes where the decimal mark is a comma), double quotes around
// cells that hold the separator, an Excel byte-order mark skipped. Every cell knows its file, line and
// column, so errors point at it.
#pragma once
#include <filesystem>
#include <istream>
#include <map>
#include <string>
#include <vector>

namespace ldd::io {

class CsvTable {
 public:
  static CsvTable read(const std::filesystem::path& path);
  // A table held in memory (a CSV stored inside another file); `name` stands for the file in messages.
  static CsvTable parse(std::istream& in, const std::filesystem::path& name);
  // Throws naming the file and the missing columns when any is absent.
  void require_columns(const std::vector<std::string>& names) const;
  bool has_column(const std::string& name) const { return columns_.count(name) > 0; }
  std::vector<std::string> columns() const;  // in the header's order
  std::size_t rows() const { return cells_.size(); }
  const std::string& cell(std::size_t row, const std::string& column) const;
  // "file.csv, line 7, column 'age'": for messages.
  std::string where(std::size_t row, const std::string& column) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::map<std::string, std::size_t> columns_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<std::size_t> line_numbers_;
};

}  // namespace ldd::io
