#include <doctest/doctest.h>

#include "controller/topology/name_pattern.h"

using lightpath::topology::expand_pattern;
using V = std::vector<std::string>;

TEST_CASE("plain names expand to themselves") { CHECK(*expand_pattern("ocs1") == V{"ocs1"}); }

TEST_CASE("numeric ranges, padded and not") {
  CHECK(*expand_pattern("rack{1..3}") == V{"rack1", "rack2", "rack3"});
  CHECK(*expand_pattern("b{08..10}") == V{"b08", "b09", "b10"});
  CHECK(expand_pattern("x{0..99}")->size() == 100);
}

TEST_CASE("lists and several groups; the leftmost varies slowest") {
  CHECK(*expand_pattern("leaf{a,b}") == V{"leafa", "leafb"});
  CHECK(*expand_pattern("r{1..2}/p/{0..1}") == V{"r1/p/0", "r1/p/1", "r2/p/0", "r2/p/1"});
}

TEST_CASE("malformed patterns are errors that quote the pattern") {
  for (const char* bad : {"r{1..", "r}1", "r{3..1}", "r{a..b}", "r{1,,2}", "r{{1..2}}", "r{}",
                          "r{-1..2}", "r{0..99999999}"}) {
    CAPTURE(bad);
    auto r = expand_pattern(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(bad) != std::string::npos);
  }
}

TEST_CASE("products past the cap are refused") {
  CHECK_FALSE(expand_pattern("{0..999}{0..999}{0..9}"));
}
