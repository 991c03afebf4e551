#pragma once
// Collects problems found in a trace as `file:line:col: message`
// diagnostics (the topology loader's form), so a reader reports every error
// of a file in one pass. Past a cap further problems are only counted.

#include <algorithm>
#include <string>
#include <vector>

#include "controller/topology/yaml_reader.h"

namespace lightpath::trace {

using topology::Diagnostic;

class DiagnosticList {
 public:
  static constexpr std::size_t kMaxKept = 200;

  explicit DiagnosticList(std::string file) : file_(std::move(file)) {}

  // line 0 means the problem has no position in the file.
  void add(int line, int column, std::string message) {
    ++total_;
    if (kept_.size() < kMaxKept) kept_.push_back({file_, line, column, std::move(message)});
  }
  void add_all(std::vector<Diagnostic> more) {
    for (auto& d : more) {
      ++total_;
      if (kept_.size() < kMaxKept) kept_.push_back(std::move(d));
    }
  }

  bool ok() const { return total_ == 0; }
  const std::string& file() const { return file_; }

  // The kept diagnostics in line order, plus a last one counting those not kept.
  std::vector<Diagnostic> take() {
    auto out = std::move(kept_);
    std::stable_sort(out.begin(), out.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    if (total_ > out.size())
      out.push_back({file_, 0, 0, std::to_string(total_ - out.size()) + " more errors not shown"});
    kept_.clear();
    total_ = 0;
    return out;
  }

 private:
  std::string file_;
  std::vector<Diagnostic> kept_;
  std::size_t total_ = 0;
};

}  // namespace lightpath::trace
