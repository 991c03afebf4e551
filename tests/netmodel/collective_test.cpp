// Collectives on circuits against the alpha-beta closed forms: each flow of a
// step gets a whole circuit of bandwidth B, and every step pays the circuit's
// latency α once. The expected times are written out from the formulas, not
// taken from the model. Agreement within 0.1%.

#include <doctest/doctest.h>

#include <cmath>

#include "netmodel_test_util.h"

using namespace lightpath;
using namespace lightpath::netmodel;
using namespace lightpath::netmodel::testing;

namespace {

// 100 Gb/s = 12.5 GB/s (10^9 bytes/s), written out by hand.
constexpr double kBytesPerSecond = 12.5e9;
const DataRate kRate = DataRate::bps(100'000'000'000);

struct Case {
  int n;
  std::int64_t bytes;
  Duration alpha;
};

// Large buffers (bandwidth term dominates) and small ones (latency term
// dominates, so a wrong count of α per step shows).
const Case kCases[] = {
    {2, 3LL << 25, Duration::us(2)}, {4, 3LL << 25, Duration::us(2)},
    {8, 3LL << 25, Duration::us(2)}, {6, 3LL << 25, Duration::us(2)},
    {8, 96 * 1024, Duration::us(5)}, {4, 48 * 1024, Duration::us(10)},
};

double measured(const FlowPlan& plan, const Case& c) {
  const Fabric fabric = endpoints_only(c.n);
  Network net(fabric);
  full_mesh(net, c.n, kRate, c.alpha);
  return static_cast<double>(run_to_completion(net, plan, c.n));
}

void check_close(double got_ns, double want_ns) {
  CAPTURE(got_ns);
  CAPTURE(want_ns);
  CHECK(std::abs(got_ns - want_ns) <= 1e-3 * want_ns);
}

}  // namespace

TEST_CASE("ring all-reduce takes 2(n-1)/n * S/B + 2(n-1) alpha") {
  for (const Case& c : kCases) {
    CAPTURE(c.n);
    CAPTURE(c.bytes);
    const double s = static_cast<double>(c.bytes), n = c.n, a = c.alpha.seconds();
    const double want = 2 * (n - 1) / n * s / kBytesPerSecond + 2 * (n - 1) * a;
    check_close(measured(ring_all_reduce(c.n, Bytes(c.bytes)), c), ns(want));
  }
}

TEST_CASE("ring all-gather and reduce-scatter take (n-1)/n * S/B + (n-1) alpha") {
  for (const Case& c : kCases) {
    CAPTURE(c.n);
    CAPTURE(c.bytes);
    const double s = static_cast<double>(c.bytes), n = c.n, a = c.alpha.seconds();
    const double want = (n - 1) / n * s / kBytesPerSecond + (n - 1) * a;
    check_close(measured(ring_all_gather(c.n, Bytes(c.bytes)), c), ns(want));
    check_close(measured(ring_reduce_scatter(c.n, Bytes(c.bytes)), c), ns(want));
  }
}

TEST_CASE("pipelined ring collectives take the stepwise ring's closed forms") {
  for (const Case& c : kCases) {
    CAPTURE(c.n);
    CAPTURE(c.bytes);
    const double s = static_cast<double>(c.bytes), n = c.n, a = c.alpha.seconds();
    const double all_reduce = 2 * (n - 1) / n * s / kBytesPerSecond + 2 * (n - 1) * a;
    const double half = (n - 1) / n * s / kBytesPerSecond + (n - 1) * a;
    check_close(measured(pipelined_ring_all_reduce(c.n, Bytes(c.bytes)), c), ns(all_reduce));
    check_close(measured(pipelined_ring_all_gather(c.n, Bytes(c.bytes)), c), ns(half));
    check_close(measured(pipelined_ring_reduce_scatter(c.n, Bytes(c.bytes)), c), ns(half));
  }
}

TEST_CASE("pipelined and stepwise rings agree when ring edges differ but share nothing") {
  // Ring edge i on its own circuit of (1 + i) x 25 Gb/s and (4 − i) µs: the
  // step-by-step ring goes at the pace of its slowest step, 2(n−1) times
  // (S/n / 25 Gb/s + 4 µs); the pipelined edges each take 2(n−1) of their own
  // steps and the slowest decides.
  const int n = 4;
  const Fabric fabric = endpoints_only(n);
  Network net(fabric);
  for (int i = 0; i < n; ++i) {
    net.add_circuit(Circuit{EndpointId(static_cast<std::uint32_t>(i)),
                            EndpointId(static_cast<std::uint32_t>((i + 1) % n)),
                            DataRate::bps((1 + i) * 25'000'000'000LL), TimePoint(),
                            Duration::us(4 - i)});
  }
  for (const std::int64_t s : {std::int64_t{3} << 25, std::int64_t{64} * 1024}) {
    CAPTURE(s);
    const double want = 2.0 * (n - 1) * (static_cast<double>(s) / n / 3.125e9 + 4e-6);
    const auto stepwise =
        static_cast<double>(run_to_completion(net, ring_all_reduce(n, Bytes(s)), n));
    const auto pipelined =
        static_cast<double>(run_to_completion(net, pipelined_ring_all_reduce(n, Bytes(s)), n));
    check_close(stepwise, ns(want));
    check_close(pipelined, ns(want));
  }
}

TEST_CASE("a pipelined ring edge carries what the edge carries over all steps") {
  // Per (from, to): the bytes of the stepwise plan and of the pipelined one.
  auto per_edge = [](const FlowPlan& p, int n) {
    std::vector<std::int64_t> bytes(n, 0);
    for (const auto& t : p.transfers) {
      CHECK(t.to == (t.from + 1) % n);
      bytes[t.from] += t.bytes.count();
    }
    return bytes;
  };
  for (const int n : {2, 3, 5, 17}) {
    for (const std::int64_t s : {std::int64_t{1'000'003}, std::int64_t{7}, std::int64_t{1} << 30}) {
      CAPTURE(n);
      CAPTURE(s);
      const FlowPlan ar = pipelined_ring_all_reduce(n, Bytes(s));
      CHECK(ar.algorithm == Algorithm::kPipelinedRing);
      CHECK(ar.transfers.size() == static_cast<std::size_t>(n));
      CHECK(per_edge(ar, n) == per_edge(ring_all_reduce(n, Bytes(s)), n));
      CHECK(per_edge(pipelined_ring_all_gather(n, Bytes(s)), n) ==
            per_edge(ring_all_gather(n, Bytes(s)), n));
      CHECK(per_edge(pipelined_ring_reduce_scatter(n, Bytes(s)), n) ==
            per_edge(ring_reduce_scatter(n, Bytes(s)), n));
      for (const auto& t : ar.transfers) {
        CHECK(t.latency_times == 2 * (n - 1));
        CHECK(t.deps.empty());
      }
      CHECK(ar.steps == ring_all_reduce(n, Bytes(s)).steps);
      CHECK(pipelined_ring_all_gather(n, Bytes(s)).steps == n - 1);
    }
  }
  CHECK(pipelined_ring_all_reduce(1, Bytes(100)).transfers.empty());
}

TEST_CASE("halving-doubling all-reduce takes 2(n-1)/n * S/B + 2 log2(n) alpha") {
  for (const Case& c : kCases) {
    if ((c.n & (c.n - 1)) != 0) continue;  // power-of-two groups only
    CAPTURE(c.n);
    CAPTURE(c.bytes);
    const double s = static_cast<double>(c.bytes), n = c.n, a = c.alpha.seconds();
    const double want = 2 * (n - 1) / n * s / kBytesPerSecond + 2 * std::log2(n) * a;
    check_close(measured(halving_doubling_all_reduce(c.n, Bytes(c.bytes)), c), ns(want));
  }
}

TEST_CASE("pairwise all-to-all takes (n-1)/n * S/B + (n-1) alpha") {
  for (const Case& c : kCases) {
    CAPTURE(c.n);
    CAPTURE(c.bytes);
    const double s = static_cast<double>(c.bytes), n = c.n, a = c.alpha.seconds();
    const double want = (n - 1) / n * s / kBytesPerSecond + (n - 1) * a;
    check_close(measured(pairwise_all_to_all(c.n, Bytes(c.bytes)), c), ns(want));
  }
}

TEST_CASE("binomial broadcast takes ceil(log2 n) * (S/B + alpha), from any root") {
  for (const Case& c : kCases) {
    for (int root : {0, c.n - 1}) {
      CAPTURE(c.n);
      CAPTURE(root);
      const double s = static_cast<double>(c.bytes), a = c.alpha.seconds();
      const double rounds = std::ceil(std::log2(static_cast<double>(c.n)));
      check_close(measured(binomial_broadcast(c.n, Bytes(c.bytes), root), c),
                  ns(rounds * (s / kBytesPerSecond + a)));
    }
  }
}

TEST_CASE("a send takes S/B + alpha") {
  const Case c{2, 1'000'000'000, Duration::us(3)};
  check_close(measured(direct_send(Bytes(c.bytes)), c), ns(1e9 / kBytesPerSecond + 3e-6));
}

TEST_CASE("plans move the bytes the algorithms say, to every rank") {
  const std::int64_t s = 1'000'003;  // not divisible by n: chunks differ by one byte
  auto sent = [](const FlowPlan& p) {
    std::int64_t total = 0;
    for (const auto& t : p.transfers) total += t.bytes.count();
    return total;
  };
  // Ring all-reduce: every rank sends 2(n-1) chunks; over the ring each chunk
  // of the buffer travels 2(n-1) times in all.
  CHECK(sent(ring_all_reduce(5, Bytes(s))) == 2 * 4 * s);
  CHECK(sent(ring_all_gather(5, Bytes(s))) == 4 * s);
  CHECK(sent(halving_doubling_all_reduce(8, Bytes(s))) == 2 * 7 * s);
  CHECK(sent(pairwise_all_to_all(5, Bytes(s))) == 4 * s);
  const FlowPlan b = binomial_broadcast(5, Bytes(s), 2);
  CHECK(b.transfers.size() == 4);
  CHECK(b.steps == 3);
  std::vector<int> received(5, 0);
  for (const auto& t : b.transfers) ++received[t.to];
  CHECK(received == std::vector<int>{1, 1, 0, 1, 1});
  CHECK(ring_all_reduce(5, Bytes(s)).steps == 8);
  CHECK(halving_doubling_all_reduce(16, Bytes(s)).steps == 8);
  CHECK(ring_all_reduce(1, Bytes(s)).transfers.empty());
}

TEST_CASE("all-reduce picks halving-doubling for small buffers on power-of-two groups") {
  const PlanOptions opts;  // 4 MiB threshold
  using trace::OpKind;
  CHECK(choose_algorithm(OpKind::kAllReduce, 8, Bytes(1 << 20), opts) ==
        Algorithm::kHalvingDoubling);
  CHECK(choose_algorithm(OpKind::kAllReduce, 8, Bytes(64 << 20), opts) == Algorithm::kRing);
  CHECK(choose_algorithm(OpKind::kAllReduce, 6, Bytes(1 << 20), opts) == Algorithm::kRing);
  CHECK(plan(OpKind::kAllReduce, 8, Bytes(1 << 20)).algorithm == Algorithm::kHalvingDoubling);
  CHECK(plan(OpKind::kAllToAll, 8, Bytes(1 << 20)).algorithm == Algorithm::kPairwiseExchange);
}

TEST_CASE("ring collectives over more than 16 ranks run pipelined") {
  PlanOptions opts;  // stepwise up to 16 ranks
  using trace::OpKind;
  const Bytes big(64 << 20);
  CHECK(choose_algorithm(OpKind::kAllReduce, 16, big, opts) == Algorithm::kRing);
  CHECK(choose_algorithm(OpKind::kAllReduce, 17, big, opts) == Algorithm::kPipelinedRing);
  CHECK(choose_algorithm(OpKind::kAllGather, 17, big, opts) == Algorithm::kPipelinedRing);
  CHECK(choose_algorithm(OpKind::kReduceScatter, 16, big, opts) == Algorithm::kRing);
  // Small buffers on power-of-two groups still go halving-doubling.
  CHECK(choose_algorithm(OpKind::kAllReduce, 32, Bytes(1 << 20), opts) ==
        Algorithm::kHalvingDoubling);
  CHECK(plan(OpKind::kAllReduce, 24, big, opts).transfers.size() == 24);
  CHECK(plan(OpKind::kReduceScatter, 24, big, opts).algorithm == Algorithm::kPipelinedRing);
  opts.stepwise_ring_max_ranks = 0;
  CHECK(plan(OpKind::kAllReduce, 6, big, opts).algorithm == Algorithm::kPipelinedRing);
  CHECK(plan(OpKind::kAllGather, 2, big, opts).algorithm == Algorithm::kPipelinedRing);
}
