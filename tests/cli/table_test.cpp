#include "controller/cli/table.h"

#include <doctest/doctest.h>

#include <sstream>

using lightpath::cli::display_width;
using lightpath::cli::Table;

TEST_CASE("table: columns align to the widest cell, two spaces apart, no trailing blanks") {
  Table t({"ID", "STATE", "JOB"});
  t.add_row({"1", "ACTIVE", "job-1001"});
  t.add_row({"12", "PENDING"});  // a missing cell prints empty
  std::ostringstream out;
  t.print(out);
  CHECK(out.str() ==
        "ID  STATE    JOB\n"
        "1   ACTIVE   job-1001\n"
        "12  PENDING\n");
  CHECK(t.rows() == 2);
}

TEST_CASE("table: widths count code points, not bytes") {
  CHECK(display_width("PENDING→ACTIVE") == 14);
  CHECK(display_width("-3.5 µs") == 7);
  Table t({"A", "B"});
  t.add_row({"→", "x"});
  t.add_row({"ab", "y"});
  std::ostringstream out;
  t.print(out);
  CHECK(out.str() == "A   B\n→   x\nab  y\n");
}
