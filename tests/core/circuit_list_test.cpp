// Controller::list in pages: id order, each match once, `total` over all of
// them, and resuming after an id that has gone.
#include <doctest/doctest.h>

#include "core/core_world.h"

using namespace lightpath;
using namespace lightpath::core;
using lightpath::testing::pairwise;
using lightpath::testing::TempDb;
using lightpath::testing::World;

namespace {

// Eight 100 Gbps circuits, one per request, alternately of jobs "even" and "odd".
std::vector<CircuitId> eight_circuits(World& w) {
  std::vector<CircuitId> ids;
  for (int i = 0; i < 8; ++i) {
    std::string id = "r";
    id += std::to_string(i);  // not "r" + ..., which GCC 12 warns about falsely (-Wrestrict)
    const auto pair = i % 2 == 0 ? std::pair{"rack1", "rack2"} : std::pair{"rack3", "rack4"};
    auto r = pairwise(id, {pair}, 100);
    r.job_id = i % 2 == 0 ? "even" : "odd";
    const auto a = w.request(r);
    REQUIRE(a.circuits.size() == 1);
    ids.push_back(a.circuits[0].circuit.id);
  }
  w.settle();
  return ids;
}

// Every page of `limit` from the first, following next_after.
std::vector<Controller::CircuitPage> pages(const World& w, const CircuitFilter& f,
                                           std::size_t limit) {
  std::vector<Controller::CircuitPage> out;
  CircuitId after(0);
  do {
    out.push_back(w.ctl->list(f, limit, after));
    REQUIRE(out.size() <= 20);  // a page that never ends the list fails, not loops
    if (out.back().next_after) after = *out.back().next_after;
  } while (out.back().next_after);
  return out;
}

std::vector<CircuitId> ids_of(const std::vector<Controller::CircuitPage>& pages) {
  std::vector<CircuitId> ids;
  for (const auto& p : pages)
    for (const auto& c : p.circuits) ids.push_back(c.circuit.id);
  return ids;
}

}  // namespace

TEST_CASE("list pages through every match once, in id order, with the total on each page") {
  TempDb db;
  World w("tiny.yaml", db.path);
  const auto ids = eight_circuits(w);
  REQUIRE(std::is_sorted(ids.begin(), ids.end()));

  for (std::size_t limit : {1, 3, 7, 8, 9}) {
    CAPTURE(limit);
    const auto all = pages(w, {}, limit);
    CHECK(ids_of(all) == ids);
    CHECK(all.size() == (8 + limit - 1) / limit);
    for (const auto& p : all) CHECK(p.total == 8);
    // next_after is the last id listed, and only when more follow.
    for (std::size_t i = 0; i + 1 < all.size(); ++i)
      CHECK(all[i].next_after == all[i].circuits.back().circuit.id);
  }

  const CircuitFilter odd{"odd", "", std::nullopt, "", ""};
  const auto odd_pages = pages(w, odd, 3);
  CHECK(ids_of(odd_pages) == std::vector<CircuitId>{ids[1], ids[3], ids[5], ids[7]});
  CHECK(odd_pages.size() == 2);
  CHECK(odd_pages[1].total == 4);
  // A filter matching nothing: one empty last page.
  const auto none = w.ctl->list({"nobody", "", std::nullopt, "", ""}, 3);
  CHECK(none.circuits.empty());
  CHECK(none.total == 0);
  CHECK_FALSE(none.next_after);
}

TEST_CASE("a page resumes after an id that is gone, and after the last id is empty") {
  TempDb db;
  World w("tiny.yaml", db.path);
  const auto ids = eight_circuits(w);
  const auto first = w.ctl->list({}, 3);
  REQUIRE(first.next_after == ids[2]);
  // The last circuit of the page is released before the next page is asked for.
  std::optional<ApiResult<std::vector<CircuitId>>> got;
  w.ctl->release({"", "r2", {}}, [&](auto res) { got = std::move(res); });
  w.settle();
  REQUIRE(got->has_value());
  REQUIRE_FALSE(w.ctl->get(ids[2]));
  const auto next = w.ctl->list({}, 3, *first.next_after);
  REQUIRE(next.circuits.size() == 3);
  CHECK(next.circuits[0].circuit.id == ids[3]);
  CHECK(next.total == 7);
  const auto past_end = w.ctl->list({}, 3, ids.back());
  CHECK(past_end.circuits.empty());
  CHECK(past_end.total == 7);
  CHECK_FALSE(past_end.next_after);
}
