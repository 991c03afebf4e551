// Where jobs put their circuit settings: free text, labels, environment.
#include "scheduler/hints.h"

#include <doctest/doctest.h>

using namespace lightpath::scheduler;

TEST_CASE("hints: 'lightpath:' words in free text, other words ignored") {
  auto h = hints_from_text("resnet run 7 lightpath:pattern=ring,bandwidth_gbps=200 more words");
  REQUIRE(h.has_value());
  CHECK(*h == Hints{{"pattern", "ring"}, {"bandwidth_gbps", "200"}});
  CHECK(hints_from_text("")->empty());
  CHECK(hints_from_text("no hints here")->empty());
  // A later word overrides an earlier one.
  CHECK(hints_from_text("lightpath:priority=1 lightpath:priority=3")->at("priority") == "3");
}

TEST_CASE("hints: malformed or unknown keys are errors naming the word") {
  for (const char* text : {"lightpath:", "lightpath:pattern", "lightpath:=ring",
                           "lightpath:pattern=", "lightpath:pattern=ring,,priority=1"}) {
    auto h = hints_from_text(text);
    REQUIRE_MESSAGE(!h.has_value(), text);
    CHECK(h.error().code == "BAD_HINT");
  }
  auto h = hints_from_text("lightpath:colour=red");
  REQUIRE(!h.has_value());
  CHECK(h.error().message.find("unknown key 'colour'") != std::string::npos);
}

TEST_CASE("hints: lightpath_<pattern> labels set the pattern") {
  CHECK(*hints_from_labels({"ib", "lightpath_all_to_all"}) == Hints{{"pattern", "all_to_all"}});
  CHECK(hints_from_labels({"ib", "gpu"})->empty());
  CHECK(hints_from_labels({"lightpath_ring", "lightpath_ring"})->at("pattern") == "ring");
  auto two = hints_from_labels({"lightpath_ring", "lightpath_pairwise"});
  REQUIRE(!two.has_value());
  CHECK(two.error().message.find("two patterns") != std::string::npos);
}

TEST_CASE("hints: LIGHTPATH_* variables, empty ones ignored") {
  auto h = hints_from_env({{"LIGHTPATH_PATTERN", "pairwise"},
                           {"LIGHTPATH_ON_REJECT", "packet"},
                           {"LIGHTPATH_PRIORITY", ""},
                           {"PATH", "/bin"}});
  CHECK(h == Hints{{"pattern", "pairwise"}, {"on_reject", "packet"}});
}

TEST_CASE("hints: merge keeps the first source's value") {
  CHECK(merge_hints({{"pattern", "ring"}}, {{"pattern", "pairwise"}, {"priority", "2"}}) ==
        Hints{{"pattern", "ring"}, {"priority", "2"}});
}
