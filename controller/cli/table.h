#pragma once
// A tiny column-aligned table for lightpathctl's human output:
//
//   ID  STATE   JOB
//   1   ACTIVE  job-1001
//
// Columns are left-aligned and separated by two spaces; widths count UTF-8
// code points, so "→" or "µ" in a cell does not skew the columns.

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace lightpath::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // A row with fewer cells than headers is padded with empty cells; extra
  // cells are kept and widen the table.
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }

  // Prints the header and every row; trailing spaces are trimmed.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// The display width of a UTF-8 string: its number of code points.
std::size_t display_width(const std::string& s);

}  // namespace lightpath::cli
