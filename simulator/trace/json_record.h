#pragma once
// Typed, strict field access on one JSON Lines record. Each problem becomes a
// diagnostic at the record's line, with the column of the field's key when it
// can be found in the line's text, and names the field.

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/trace/diagnostics.h"

namespace lightpath::trace {

class JsonRecord {
 public:
  // `what` names the record in messages, e.g. "op 'fwd0'".
  JsonRecord(const nlohmann::json& object, std::string_view text, int line, DiagnosticList& diags)
      : obj_(object), text_(text), line_(line), diags_(diags) {}

  void set_what(std::string what) { what_ = std::move(what); }
  int line() const { return line_; }
  bool has(const char* key) const { return obj_.contains(key); }

  // Reports every key not in `allowed`. `why` is added to the message
  // (e.g. "for kind 'compute'").
  void only_keys(std::initializer_list<std::string_view> allowed, std::string_view why = "");

  // Required fields: a missing field, a wrong type or a value out of range
  // is reported and gives nullopt.
  std::optional<std::string> text(const char* key);
  std::optional<std::int64_t> integer(const char* key, std::int64_t min);
  // A list of lists of integers, e.g. a group's members.
  std::optional<std::vector<std::vector<int>>> int_lists(const char* key);
  // An optional list of strings; absent gives an empty list.
  std::optional<std::vector<std::string>> optional_text_list(const char* key);

  // An error about a field, at the field's column.
  void field_error(const char* key, const std::string& message);
  // An error about the whole record, at column 1.
  void error(const std::string& message);

 private:
  int column_of(const char* key) const;
  std::string prefix() const { return what_.empty() ? "" : what_ + ": "; }

  const nlohmann::json& obj_;
  std::string_view text_;
  int line_;
  DiagnosticList& diags_;
  std::string what_;
};

}  // namespace lightpath::trace
