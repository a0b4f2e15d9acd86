// CSV tables as researchers save them: Excel's byte-order mark and semicolons, quoted cells, a misspelt
// column named beside the columns found, a header naming a column twice; disc levels in their common
// spellings.
#include <doctest/doctest.h>

#include <fstream>

#include "base/check.h"
#include "data/cohort/grades.h"
#include "data/io/csv.h"
#include "tests/support/temp_dir.h"

using namespace ldd;

namespace {

io::CsvTable table(const ldd::testing::TempDir& dir, const std::string& text) {
  std::ofstream(dir / "t.csv", std::ios::binary) << text;
  return io::CsvTable::read(dir / "t.csv");
}

}  // namespace

TEST_CASE("CSV: Excel's byte-order mark and semicolons, quotes, and errors that show the header") {
  ldd::testing::TempDir dir;
  const auto bom = table(dir, "\xEF\xBB\xBFsubject,age\r\nA,51\r\n");
  CHECK(bom.has_column("subject"));
  CHECK(bom.cell(0, "age") == "51");
  const auto semicolons = table(dir, "subject;bmi;note\nA;25,3;\"x; y\"\n");
  REQUIRE(semicolons.rows() == 1);
  CHECK(semicolons.cell(0, "bmi") == "25,3");
  CHECK(semicolons.cell(0, "note") == "x; y");
  const auto commas = table(dir, "subject,note\nA,\"a, b\"\n");
  CHECK(commas.cell(0, "note") == "a, b");
  CHECK_THROWS_WITH_AS(table(dir, "subjcet,age\nA,51\n").require_columns({"subject"}),
                       doctest::Contains("missing column(s) subject (the header has 'age', 'subjcet')"), Error);
  CHECK_THROWS_WITH_AS(table(dir, "subject,age,age\nA,1,2\n"), doctest::Contains("line 1: column 'age' appears twice"), Error);
  CHECK_THROWS_WITH_AS(table(dir, "subject,age\nA,1,2\n"), doctest::Contains("line 2: 3 cells, the header has 2"), Error);
}

TEST_CASE("disc levels are read in their common spellings, and anything else is refused with the accepted names") {
  for (const char* name : {"L5-S1", "L5/S1", "L5_S1", "L5 S1", "L5S1", "l5-s1"}) CHECK_MESSAGE(parse_level(name) == 4, name);
  CHECK(parse_level("L1/L2") == 0);
  CHECK(parse_level("l3l4") == 2);
  CHECK_THROWS_WITH_AS(parse_level("L6-L7"), doctest::Contains("accepted: L1-L2, L2-L3, L3-L4, L4-L5, L5-S1"), Error);
  CHECK_THROWS_WITH_AS(parse_level("S1-S2"), doctest::Contains("unknown disc level 'S1-S2'"), Error);
}
