#include "simulator/netmodel/collective_plan.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace lightpath::netmodel {
namespace {

// Chunk c of a buffer of `bytes` split n ways: the first bytes % n chunks
// carry one byte more, so the chunks add up to the buffer exactly.
std::int64_t chunk(std::int64_t bytes, int n, int c) {
  return bytes / n + (c < bytes % n ? 1 : 0);
}

std::uint32_t at(int step, int n, int rank) {
  return static_cast<std::uint32_t>(step * n + rank);
}

// Length of the longest dependency chain, in transfers (a pipelined
// transfer counts as the steps it stands for).
int longest_chain(const std::vector<Transfer>& transfers) {
  std::vector<int> depth(transfers.size(), 0);
  int longest = 0;
  for (std::size_t t = 0; t < transfers.size(); ++t) {
    for (const std::uint32_t d : transfers[t].deps) depth[t] = std::max(depth[t], depth[d]);
    depth[t] += transfers[t].latency_times;
    longest = std::max(longest, depth[t]);
  }
  return longest;
}

FlowPlan finish(Algorithm algorithm, std::vector<Transfer> transfers) {
  FlowPlan p{algorithm, std::move(transfers), 0};
  p.steps = longest_chain(p.transfers);
  return p;
}

// `steps` ring steps: in step k rank i passes chunk (i − k) mod n to rank
// i + 1, after the chunk from rank i − 1 of step k − 1 has arrived (it is the
// one being reduced or forwarded) and its own previous send is through.
FlowPlan ring(int n, Bytes bytes, int steps) {
  std::vector<Transfer> t;
  if (n < 2) return finish(Algorithm::kRing, {});
  for (int k = 0; k < steps; ++k) {
    for (int i = 0; i < n; ++i) {
      Transfer x{i, (i + 1) % n, Bytes(chunk(bytes.count(), n, ((i - k) % n + n) % n)), {}};
      if (k > 0) x.deps = {at(k - 1, n, (i - 1 + n) % n), at(k - 1, n, i)};
      t.push_back(std::move(x));
    }
  }
  return finish(Algorithm::kRing, std::move(t));
}

// The same ring as one flow per edge: over `steps` steps rank i sends chunks
// i, i − 1, … (mod n), i.e. `steps / n` full rounds of the buffer and then
// `steps % n` more chunks. Closed form of that sum: a full round is S, and
// the chunks left out of the last round are the ones after i − steps.
FlowPlan pipelined_ring(int n, Bytes bytes, int steps) {
  std::vector<Transfer> t;
  if (n < 2) return finish(Algorithm::kPipelinedRing, {});
  const std::int64_t s = bytes.count();
  for (int i = 0; i < n; ++i) {
    std::int64_t sent = s * (steps / n);
    // The partial round: chunks i, i − 1, …, i − (r − 1), i.e. all but the n − r
    // chunks i + 1, …, i + (n − r).
    const int r = steps % n;
    if (r > 0) {
      sent += s;
      for (int k = 1; k <= n - r; ++k) sent -= chunk(s, n, (i + k) % n);
    }
    t.push_back(Transfer{i, (i + 1) % n, Bytes(sent), {}, steps});
  }
  return finish(Algorithm::kPipelinedRing, std::move(t));
}

}  // namespace

std::string_view to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kRing:
      return "ring";
    case Algorithm::kPipelinedRing:
      return "pipelined-ring";
    case Algorithm::kHalvingDoubling:
      return "halving-doubling";
    case Algorithm::kBinomialTree:
      return "binomial-tree";
    case Algorithm::kPairwiseExchange:
      return "pairwise-exchange";
    case Algorithm::kDirect:
      return "direct";
  }
  return "?";
}

FlowPlan ring_all_reduce(int n, Bytes bytes) {
  return ring(n, bytes, 2 * (n - 1));
}
FlowPlan ring_all_gather(int n, Bytes bytes) {
  return ring(n, bytes, n - 1);
}
FlowPlan ring_reduce_scatter(int n, Bytes bytes) {
  return ring(n, bytes, n - 1);
}
FlowPlan pipelined_ring_all_reduce(int n, Bytes bytes) {
  return pipelined_ring(n, bytes, 2 * (n - 1));
}
FlowPlan pipelined_ring_all_gather(int n, Bytes bytes) {
  return pipelined_ring(n, bytes, n - 1);
}
FlowPlan pipelined_ring_reduce_scatter(int n, Bytes bytes) {
  return pipelined_ring(n, bytes, n - 1);
}

// Rabenseifner: reduce-scatter by recursive halving (partners at distance
// n/2, n/4, …, 1, each step sending half of the segment still held), then
// all-gather by recursive doubling (distances 1, 2, …, n/2, each step sending
// the whole segment held). A step waits for both transfers of the rank's
// previous step.
FlowPlan halving_doubling_all_reduce(int n, Bytes bytes) {
  assert(n >= 1 && std::has_single_bit(static_cast<unsigned>(n)));
  const int m = std::countr_zero(static_cast<unsigned>(n));
  std::vector<std::int64_t> prefix(n + 1, 0);  // bytes of chunks [0, c)
  for (int c = 0; c < n; ++c) prefix[c + 1] = prefix[c] + chunk(bytes.count(), n, c);
  std::vector<int> lo(n, 0), hi(n, n);  // each rank's segment, in chunks
  std::vector<Transfer> t;
  for (int step = 0; step < 2 * m; ++step) {
    const bool halving = step < m;
    const int d = halving ? n >> (step + 1) : 1 << (step - m);
    std::vector<int> new_lo(lo), new_hi(hi);
    for (int i = 0; i < n; ++i) {
      const int p = i ^ d;
      std::int64_t sent;
      if (halving) {
        const int mid = (lo[i] + hi[i]) / 2;
        const bool keep_lower = (i & d) == 0;
        sent = keep_lower ? prefix[hi[i]] - prefix[mid] : prefix[mid] - prefix[lo[i]];
        new_lo[i] = keep_lower ? lo[i] : mid;
        new_hi[i] = keep_lower ? mid : hi[i];
      } else {
        sent = prefix[hi[i]] - prefix[lo[i]];
        new_lo[i] = std::min(lo[i], lo[p]);
        new_hi[i] = std::max(hi[i], hi[p]);
      }
      Transfer x{i, p, Bytes(sent), {}};
      if (step > 0) {
        const int prev_d = step - 1 < m ? n >> step : 1 << (step - 1 - m);
        x.deps = {at(step - 1, n, i), at(step - 1, n, i ^ prev_d)};
      }
      t.push_back(std::move(x));
    }
    lo = std::move(new_lo);
    hi = std::move(new_hi);
  }
  return finish(Algorithm::kHalvingDoubling, std::move(t));
}

// Binomial tree: in round j every rank that already holds the data (relative
// rank r < 2^j) sends all of it to relative rank r + 2^j. A rank sends after
// it has received, and one send after another.
FlowPlan binomial_broadcast(int n, Bytes bytes, int root) {
  std::vector<Transfer> t;
  std::vector<int> received(n, -1), last_send(n, -1);  // by relative rank
  for (int span = 1; span < n; span *= 2) {
    for (int r = 0; r < span && r + span < n; ++r) {
      Transfer x{(r + root) % n, (r + span + root) % n, bytes, {}};
      if (received[r] >= 0) x.deps.push_back(static_cast<std::uint32_t>(received[r]));
      if (last_send[r] >= 0) x.deps.push_back(static_cast<std::uint32_t>(last_send[r]));
      last_send[r] = received[r + span] = static_cast<int>(t.size());
      t.push_back(std::move(x));
    }
  }
  return finish(Algorithm::kBinomialTree, std::move(t));
}

// Pairwise exchange: in step k = 1..n−1 rank i sends its chunk for rank
// i + k to it, after its previous send and its previous receive.
FlowPlan pairwise_all_to_all(int n, Bytes bytes) {
  std::vector<Transfer> t;
  for (int k = 1; k < n; ++k) {
    for (int i = 0; i < n; ++i) {
      const int to = (i + k) % n;
      Transfer x{i, to, Bytes(chunk(bytes.count(), n, to)), {}};
      if (k > 1) x.deps = {at(k - 2, n, i), at(k - 2, n, ((i - (k - 1)) % n + n) % n)};
      t.push_back(std::move(x));
    }
  }
  return finish(Algorithm::kPairwiseExchange, std::move(t));
}

FlowPlan direct_send(Bytes bytes) {
  return finish(Algorithm::kDirect, {Transfer{0, 1, bytes, {}}});
}

Algorithm choose_algorithm(trace::OpKind kind, int n, Bytes bytes, const PlanOptions& options) {
  using trace::OpKind;
  const Algorithm ring =
      n > options.stepwise_ring_max_ranks ? Algorithm::kPipelinedRing : Algorithm::kRing;
  switch (kind) {
    case OpKind::kAllReduce:
      return n >= 2 && std::has_single_bit(static_cast<unsigned>(n)) &&
                     bytes <= options.halving_doubling_max
                 ? Algorithm::kHalvingDoubling
                 : ring;
    case OpKind::kAllGather:
    case OpKind::kReduceScatter:
      return ring;
    case OpKind::kAllToAll:
      return Algorithm::kPairwiseExchange;
    case OpKind::kBroadcast:
      return Algorithm::kBinomialTree;
    case OpKind::kSend:
    case OpKind::kCompute:
      return Algorithm::kDirect;
  }
  return Algorithm::kDirect;
}

FlowPlan plan(trace::OpKind kind, int n, Bytes bytes, const PlanOptions& options, int root) {
  using trace::OpKind;
  const Algorithm algorithm = choose_algorithm(kind, n, bytes, options);
  const bool pipelined = algorithm == Algorithm::kPipelinedRing;
  switch (kind) {
    case OpKind::kAllReduce:
      if (algorithm == Algorithm::kHalvingDoubling) return halving_doubling_all_reduce(n, bytes);
      return pipelined ? pipelined_ring_all_reduce(n, bytes) : ring_all_reduce(n, bytes);
    case OpKind::kAllGather:
      return pipelined ? pipelined_ring_all_gather(n, bytes) : ring_all_gather(n, bytes);
    case OpKind::kReduceScatter:
      return pipelined ? pipelined_ring_reduce_scatter(n, bytes) : ring_reduce_scatter(n, bytes);
    case OpKind::kAllToAll:
      return pairwise_all_to_all(n, bytes);
    case OpKind::kBroadcast:
      return binomial_broadcast(n, bytes, root);
    case OpKind::kSend:
      return direct_send(bytes);
    case OpKind::kCompute:
      return FlowPlan{};
  }
  return FlowPlan{};
}

}  // namespace lightpath::netmodel
