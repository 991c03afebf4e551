#pragma once
// How a collective becomes flows (docs/network-model.md): a plan is a graph
// of rank-to-rank transfers, each starting when the transfers it depends on
// have arrived. Ranks are positions 0..n-1 within the group's member list;
// the caller maps them to endpoints.
//
// Sizes follow docs/trace-format.md (per-rank buffer, as NCCL counts):
// all-reduce and reduce-scatter take the input buffer S, all-gather the
// gathered result S, all-to-all each rank's whole buffer S (S/n per peer),
// broadcast and send the bytes moved.

#include <cstdint>
#include <string_view>
#include <vector>

#include "lightpath/units.h"
#include "simulator/trace/trace.h"

namespace lightpath::netmodel {

enum class Algorithm {
  kRing,              // all-reduce, all-gather, reduce-scatter, step by step
  kPipelinedRing,     // the same over a large group: one flow per ring edge
  kHalvingDoubling,   // all-reduce over a power-of-two group (Rabenseifner)
  kBinomialTree,      // broadcast
  kPairwiseExchange,  // all-to-all
  kDirect,            // send
};
std::string_view to_string(Algorithm algorithm);

struct Transfer {
  int from = 0;  // rank
  int to = 0;
  Bytes bytes;
  std::vector<std::uint32_t> deps;  // transfers (indexes into the plan) that must arrive first
  // Times the route's latency is paid: more than one when this transfer
  // stands for a pipeline of dependent ones on the same pair.
  int latency_times = 1;
};

struct FlowPlan {
  Algorithm algorithm = Algorithm::kDirect;
  std::vector<Transfer> transfers;  // in an order where deps come first
  // Transfers on the longest dependency chain, a transfer counting as the
  // latency_times transfers it stands for.
  int steps = 0;
};

struct PlanOptions {
  // All-reduce uses halving-doubling when the group is a power of two and
  // the buffer is at most this: 2·log2(n) latency terms instead of 2(n−1),
  // the same bytes on the wire. Above it, ring (which needs only neighbour
  // links, so fewer circuits). Bytes(-1) never, a huge value always.
  Bytes halving_doubling_max = Bytes(4 << 20);
  // Ring collectives over at most this many ranks run step by step (n flows
  // per step, each step waiting for the chunk it forwards); larger groups run
  // pipelined: one flow per ring edge for all of its steps. The same time
  // while rates hold still (docs/network-model.md), n flows instead of
  // n x steps. 0 pipelines every ring; a huge value never does.
  int stepwise_ring_max_ranks = 16;
};

// The algorithm `plan` picks for a collective of `kind` over `n` ranks.
Algorithm choose_algorithm(trace::OpKind kind, int n, Bytes bytes, const PlanOptions& options);

// The flows of one collective (or send) over `n` ranks: all-reduce,
// all-gather, reduce-scatter, all-to-all, broadcast from rank `root`, send
// from rank 0 to rank 1. `kCompute` is not a collective and gives no plan.
FlowPlan plan(trace::OpKind kind, int n, Bytes bytes, const PlanOptions& options = {},
              int root = 0);

// The same with the algorithm forced (tests, and callers that know better).
FlowPlan ring_all_reduce(int n, Bytes bytes);
FlowPlan ring_all_gather(int n, Bytes bytes);
FlowPlan ring_reduce_scatter(int n, Bytes bytes);
// Pipelined rings: rank i sends rank i + 1 everything it would over the
// steps of the ring as one transfer that pays the route latency once per step.
FlowPlan pipelined_ring_all_reduce(int n, Bytes bytes);
FlowPlan pipelined_ring_all_gather(int n, Bytes bytes);
FlowPlan pipelined_ring_reduce_scatter(int n, Bytes bytes);
FlowPlan halving_doubling_all_reduce(int n, Bytes bytes);  // n a power of two
FlowPlan binomial_broadcast(int n, Bytes bytes, int root);
FlowPlan pairwise_all_to_all(int n, Bytes bytes);
FlowPlan direct_send(Bytes bytes);

}  // namespace lightpath::netmodel
