// Slurm node lists, on the forms slurmctld produces (checked against
// `scontrol show hostnames` of Slurm 22.05) and on malformed ones.
#include "scheduler/slurm/nodelist.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using lightpath::slurm::expand_nodelist;
using Names = std::vector<std::string>;

namespace {
Names expand(const char* list) {
  auto r = expand_nodelist(list);
  REQUIRE_MESSAGE(r.has_value(), list, ": ", r.error().message);
  return *r;
}
std::string error_of(const char* list) {
  auto r = expand_nodelist(list);
  REQUIRE_MESSAGE(!r.has_value(), list, " should be refused");
  CHECK(r.error().code == "MALFORMED_NODELIST");
  return r.error().message;
}
}  // namespace

TEST_CASE("nodelist: single names and simple ranges") {
  CHECK(expand("node1") == Names{"node1"});
  CHECK(expand("a[1-3]") == Names{"a1", "a2", "a3"});
  CHECK(expand("node[1-3]") == Names{"node1", "node2", "node3"});
  CHECK(expand("a[0-0]") == Names{"a0"});
  CHECK(expand("a[7]") == Names{"a7"});
}

TEST_CASE("nodelist: zero padding comes from the lower bound, as in Slurm") {
  CHECK(expand("a[01-10]") ==
        Names{"a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "a09", "a10"});
  CHECK(expand("a[8-10]") == Names{"a8", "a9", "a10"});
  CHECK(expand("a[08-10]") == Names{"a08", "a09", "a10"});
  CHECK(expand("a[8-010]") == Names{"a8", "a9", "a10"});
  CHECK(expand("gpu[098-101]") == Names{"gpu098", "gpu099", "gpu100", "gpu101"});
}

TEST_CASE("nodelist: several names and lists inside brackets") {
  CHECK(expand("a1,b[2-4]") == Names{"a1", "b2", "b3", "b4"});
  CHECK(expand("a[1,3,5-7]") == Names{"a1", "a3", "a5", "a6", "a7"});
  CHECK(expand("node[1-2,7],gpu[01-02],login") ==
        Names{"node1", "node2", "node7", "gpu01", "gpu02", "login"});
  CHECK(expand("a[1-2],a1") == Names{"a1", "a2", "a1"});  // Slurm keeps duplicates too
  CHECK(expand("n1.cluster,n-2_x") == Names{"n1.cluster", "n-2_x"});
}

TEST_CASE("nodelist: several bracket groups expand leftmost slowest") {
  CHECK(expand("r[1-2]n[1-2]") == Names{"r1n1", "r1n2", "r2n1", "r2n2"});
  CHECK(expand("r[1-2]-n[01-02]") == Names{"r1-n01", "r1-n02", "r2-n01", "r2-n02"});
  CHECK(expand("a[1-2]b") == Names{"a1b", "a2b"});
}

TEST_CASE("nodelist: malformed lists are refused with a reason") {
  CHECK(error_of("").find("empty") != std::string::npos);
  CHECK(error_of("a[1-3").find("'[' without ']'") != std::string::npos);
  CHECK(error_of("a[1-3]]").find("']' without '['") != std::string::npos);
  CHECK(error_of("a1-3]").find("']' without '['") != std::string::npos);
  CHECK(error_of("a[3-1]").find("runs downwards") != std::string::npos);
  CHECK(error_of("a[]").find("empty brackets") != std::string::npos);
  CHECK(error_of("x[a-b]").find("bad range 'a-b'") != std::string::npos);
  CHECK(error_of("a[1-]").find("bad range") != std::string::npos);
  CHECK(error_of("a[1,,2]").find("bad range ''") != std::string::npos);
  CHECK(error_of("a,,b").find("empty node name") != std::string::npos);
  CHECK(error_of("a,").find("empty node name") != std::string::npos);
  CHECK(error_of("a[[1]]").find("nested") != std::string::npos);
  CHECK(error_of("a[1-2] b").find("whitespace") != std::string::npos);
  CHECK(error_of("a[99999999999999999999]").find("too large") != std::string::npos);
}

TEST_CASE("nodelist: a corrupt huge range is refused, not expanded") {
  CHECK(error_of("n[0-99999999]").find("over 100000") != std::string::npos);
  CHECK(error_of("a[1-1000]b[1-1000]").find("more than") != std::string::npos);
}

TEST_CASE("nodelist: a range ending at the largest number ends (fuzz finding)") {
  // fuzz/regressions/nodelist/ullong-max-range: with the upper bound at
  // 2^64 - 1, `v <= hi` never failed and the expansion ran out of memory.
  CHECK(expand("n[18446744073709551615]") == Names{"n18446744073709551615"});
  CHECK(expand("n[18446744073709551614-18446744073709551615]") ==
        Names{"n18446744073709551614", "n18446744073709551615"});
  CHECK(expand("n[000018446744073709551615]") == Names{"n000018446744073709551615"});
  CHECK(error_of("-[000018446744073709551615],2]").find("']' without '['") != std::string::npos);
}

TEST_CASE("nodelist: a plain name past the limit is refused too (fuzz finding)") {
  // fuzz/regressions/nodelist/over-max-nodes: 1,000 x 100 names filled the
  // budget exactly, and a name without brackets after them made 100,001.
  CHECK(error_of("n[1-1000]x[1-100],0").find("more than 100000 nodes") != std::string::npos);
  CHECK(expand_nodelist("n[1-1000]x[1-100]")->size() == lightpath::slurm::kMaxNodes);
  CHECK(expand_nodelist("n[1-1000]x[1-99],a[1-999],b")->size() == lightpath::slurm::kMaxNodes);
}

TEST_CASE("nodelist: inputs that once crashed the fuzz target expand or are refused") {
  int seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(LIGHTPATH_SOURCE_DIR "/fuzz/regressions/nodelist")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string list((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    auto r = expand_nodelist(list);
    if (r)
      CHECK(r->size() <= lightpath::slurm::kMaxNodes);
    else
      CHECK(r.error().code == "MALFORMED_NODELIST");
    ++seen;
  }
  CHECK(seen > 0);
}
