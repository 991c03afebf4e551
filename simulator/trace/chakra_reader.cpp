#include "simulator/trace/chakra_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "simulator/trace/chakra_io.h"
#include "simulator/trace/job_builder.h"
#include "simulator/trace/trace_check.h"

namespace lightpath::trace {
namespace {

using ChakraProtoMsg::Node;

std::optional<OpKind> collective_kind(std::int64_t comm_type) {
  switch (comm_type) {
    case ChakraProtoMsg::ALL_REDUCE:
      return OpKind::kAllReduce;
    case ChakraProtoMsg::ALL_GATHER:
      return OpKind::kAllGather;
    case ChakraProtoMsg::REDUCE_SCATTER:
    case ChakraProtoMsg::REDUCE_SCATTER_BLOCK:
      return OpKind::kReduceScatter;
    case ChakraProtoMsg::ALL_TO_ALL:
      return OpKind::kAllToAll;
    case ChakraProtoMsg::BROADCAST:
      return OpKind::kBroadcast;
    // A barrier moves no data but synchronizes the group like one.
    case ChakraProtoMsg::BARRIER:
      return OpKind::kAllReduce;
    default:
      return std::nullopt;  // REDUCE, GATHER, SCATTER: rooted, not modeled yet
  }
}

struct NodeRef {
  int rank = 0;
  std::size_t index = 0;  // into RankFile::nodes
};

class Importer {
 public:
  Importer(std::vector<chakra::RankFile> ranks, std::string label)
      : ranks_(std::move(ranks)), diags_(std::move(label)), builder_(job_) {}

  Result<ChakraImport, std::vector<Diagnostic>> run(const ChakraImportOptions& options) {
    const auto& meta = ranks_[0].metadata.attr();
    job_.id = chakra::string_attr(meta, "lightpath_job").value_or("job0");
    job_.iterations = options.iterations > 0
                          ? options.iterations
                          : chakra::int_attr(meta, "lightpath_iterations").value_or(1);
    job_.arrival = Duration::ns(chakra::int_attr(meta, "lightpath_arrival_ns").value_or(0));
    for (int r = 0; r < static_cast<int>(ranks_.size()); ++r) job_.gpus.push_back({r, "", "", 0});
    index_nodes();
    classify();
    match_collectives();
    match_sends();
    if (diags_.ok()) add_dependencies();
    if (diags_.ok()) check_job(job_, diags_);
    if (!diags_.ok()) return unexpected(diags_.take());
    ChakraImport out;
    out.trace.name = chakra::string_attr(meta, "lightpath_trace").value_or("chakra");
    out.trace.jobs.push_back(std::move(job_));
    out.skipped_nodes = skipped_;
    return out;
  }

 private:
  void error(const NodeRef& at, const std::string& message) {
    const auto& node = ranks_[at.rank].nodes[at.index];
    diags_.add_all(
        {{ranks_[at.rank].path, 0, 0,
          "node " + std::to_string(node.id()) + " ('" + node.name() + "'): " + message}});
  }
  const Node& node(const NodeRef& at) const { return ranks_[at.rank].nodes[at.index]; }

  void index_nodes() {
    ids_.resize(ranks_.size());
    op_of_.resize(ranks_.size());
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
      op_of_[r].assign(ranks_[r].nodes.size(), kNoOp);
      for (std::size_t i = 0; i < ranks_[r].nodes.size(); ++i)
        if (!ids_[r].emplace(ranks_[r].nodes[i].id(), i).second)
          error({static_cast<int>(r), i}, "repeats a node id");
    }
  }

  // A required integer attribute, reported when missing or negative.
  std::optional<std::int64_t> need(const NodeRef& at, const char* name) {
    auto v = chakra::int_attr(node(at).attr(), name);
    if (!v)
      error(at, std::string("missing integer attribute '") + name + "'");
    else if (*v < 0)
      error(at, std::string("attribute '") + name + "' is negative: " + std::to_string(*v));
    return v && *v >= 0 ? v : std::nullopt;
  }

  std::size_t rank_group(int rank) {
    auto [it, fresh] = rank_group_.emplace(rank, 0);
    if (fresh) it->second = builder_.group("rank" + std::to_string(rank), {{rank}});
    return it->second;
  }

  void classify() {
    for (int r = 0; r < static_cast<int>(ranks_.size()); ++r) {
      for (std::size_t i = 0; i < ranks_[r].nodes.size(); ++i) {
        const NodeRef at{r, i};
        const Node& n = node(at);
        switch (n.type()) {
          case ChakraProtoMsg::COMP_NODE: {
            // Appended, not `"r" + std::to_string(..)`: GCC 12's false -Wrestrict.
            std::string id = "r";
            id.append(std::to_string(r)).append(".n").append(std::to_string(n.id()));
            op_of_[r][i] =
                builder_.compute(std::move(id), rank_group(r),
                                 Duration::us(static_cast<std::int64_t>(n.duration_micros())), {});
            break;
          }
          case ChakraProtoMsg::COMM_COLL_NODE:
            colls_[chakra::string_attr(n.attr(), "pg_name").value_or("")][r].push_back(i);
            break;
          case ChakraProtoMsg::COMM_SEND_NODE:
          case ChakraProtoMsg::COMM_RECV_NODE:
            read_p2p(at);
            break;
          default:
            ++skipped_;
            break;
        }
      }
    }
  }

  void read_p2p(const NodeRef& at) {
    const bool send = node(at).type() == ChakraProtoMsg::COMM_SEND_NODE;
    auto src = send ? chakra::int_attr(node(at).attr(), "comm_src").value_or(at.rank)
                    : need(at, "comm_src");
    auto dst = send ? need(at, "comm_dst")
                    : chakra::int_attr(node(at).attr(), "comm_dst").value_or(at.rank);
    auto size = need(at, "comm_size");
    const auto tag = chakra::int_attr(node(at).attr(), "comm_tag").value_or(0);
    if (!src || !dst || !size) return;
    const auto ranks = static_cast<std::int64_t>(ranks_.size());
    if ((send ? *src : *dst) != at.rank)
      return error(at, std::string(send ? "comm_src" : "comm_dst") + " is not this file's rank " +
                           std::to_string(at.rank));
    if (*src >= ranks || *dst >= ranks || *src == *dst)
      return error(at, "comm_src " + std::to_string(*src) + " -> comm_dst " + std::to_string(*dst) +
                           " is not a pair of distinct ranks below " + std::to_string(ranks));
    auto& lists = p2p_[{*src, *dst, tag}];
    (send ? lists.first : lists.second).push_back(at);
  }

  void match_collectives();
  void match_sends();
  void add_dependencies();
  void resolve(int rank, std::size_t index, std::set<std::size_t>& deps,
               std::set<std::size_t>& seen);

  std::vector<chakra::RankFile> ranks_;
  DiagnosticList diags_;
  Job job_;
  JobBuilder builder_;
  int skipped_ = 0;
  std::vector<std::unordered_map<std::uint64_t, std::size_t>> ids_;  // per rank: node id -> index
  std::vector<std::vector<std::size_t>> op_of_;  // per rank and node: op or kNoOp
  std::map<int, std::size_t> rank_group_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> pair_group_;
  // pg_name -> rank -> that rank's collectives on it, in file order.
  std::map<std::string, std::map<int, std::vector<std::size_t>>> colls_;
  // (src, dst, tag) -> sends, receives in file order.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>,
           std::pair<std::vector<NodeRef>, std::vector<NodeRef>>>
      p2p_;
};

void Importer::match_collectives() {
  for (auto& [pg, by_rank] : colls_) {
    std::vector<int> members;
    for (const auto& [rank, list] : by_rank) members.push_back(rank);
    const std::string name = pg.empty() ? "world" : pg;
    // Without a process group name the collective spans every rank.
    if (pg.empty()) {
      members.clear();
      for (int r = 0; r < static_cast<int>(ranks_.size()); ++r) members.push_back(r);
    }
    const int first = by_rank.begin()->first;
    const auto count = by_rank.begin()->second.size();
    bool counts_agree = true;
    for (int r : members) {
      const auto n = by_rank.count(r) ? by_rank.at(r).size() : 0;
      if (n != count) {
        diags_.add_all(
            {{ranks_[r].path, 0, 0,
              "process group '" + name + "': " + std::to_string(n) + " collectives on this rank, " +
                  std::to_string(count) + " on rank " + std::to_string(first)}});
        counts_agree = false;
      }
    }
    if (!counts_agree) continue;
    const auto group = builder_.group("pg." + name, {members});
    for (std::size_t k = 0; k < count; ++k) {
      const NodeRef lead{first, by_rank.at(first)[k]};
      auto type = need(lead, "comm_type");
      auto size = need(lead, "comm_size");
      if (!type || !size) continue;
      auto kind = collective_kind(*type);
      if (!kind) {
        error(lead,
              "comm_type " + std::to_string(*type) + " (REDUCE, GATHER or SCATTER) is not modeled");
        continue;
      }
      bool agree = true;
      for (int r : members) {
        const NodeRef at{r, by_rank.at(r)[k]};
        if (chakra::int_attr(node(at).attr(), "comm_type") != type ||
            chakra::int_attr(node(at).attr(), "comm_size") != size) {
          error(at, "collective " + std::to_string(k) + " of process group '" + name +
                        "' differs from rank " + std::to_string(first) + "'s (comm_type " +
                        std::to_string(*type) + ", comm_size " + std::to_string(*size) + ")");
          agree = false;
        }
      }
      if (!agree) continue;
      const auto op = builder_.comm(name + ".c" + std::to_string(k), *kind, group, *size, {});
      if (*kind == OpKind::kBroadcast) {
        const auto root =
            chakra::int_attr(node(lead).attr(), "root_rank").value_or(members.front());
        auto pos = std::find(members.begin(), members.end(), root);
        job_.ops[op].root = pos == members.end() ? 0 : static_cast<int>(pos - members.begin());
      }
      for (int r : members) op_of_[r][by_rank.at(r)[k]] = op;
    }
  }
}

void Importer::match_sends() {
  for (const auto& [key, lists] : p2p_) {
    const auto& [src, dst, tag] = key;
    const auto& [sends, recvs] = lists;
    const std::string pair = std::to_string(src) + "-" + std::to_string(dst);
    const auto n = std::min(sends.size(), recvs.size());
    for (std::size_t k = n; k < sends.size(); ++k)
      error(sends[k], "a send with no matching receive on rank " + std::to_string(dst));
    for (std::size_t k = n; k < recvs.size(); ++k)
      error(recvs[k], "a receive with no matching send on rank " + std::to_string(src));
    if (n == 0) continue;
    // One group per ordered pair of ranks, shared by every tag between them.
    auto [it, fresh] = pair_group_.emplace(std::make_pair(src, dst), 0);
    if (fresh)
      it->second = builder_.group("p2p." + pair, {{static_cast<int>(src), static_cast<int>(dst)}});
    const auto group = it->second;
    for (std::size_t k = 0; k < n; ++k) {
      const auto size = chakra::int_attr(node(sends[k]).attr(), "comm_size");
      if (chakra::int_attr(node(recvs[k]).attr(), "comm_size") != size) {
        error(recvs[k],
              "comm_size differs from the matching send's " + std::to_string(size.value_or(0)));
        continue;
      }
      const auto op =
          builder_.comm("p2p." + pair + ".t" + std::to_string(tag) + "." + std::to_string(k),
                        OpKind::kSend, group, *size, {});
      op_of_[sends[k].rank][sends[k].index] = op;
      op_of_[recvs[k].rank][recvs[k].index] = op;
    }
  }
}

// The ops a node depends on; a skipped node stands for its own dependencies.
void Importer::resolve(int rank, std::size_t index, std::set<std::size_t>& deps,
                       std::set<std::size_t>& seen) {
  const Node& n = ranks_[rank].nodes[index];
  for (const auto* list : {&n.data_deps(), &n.ctrl_deps()}) {
    for (auto id : *list) {
      auto it = ids_[rank].find(id);
      if (it == ids_[rank].end()) {
        error({rank, index},
              "depends on node " + std::to_string(id) + ", which this file does not have");
        continue;
      }
      if (op_of_[rank][it->second] != kNoOp)
        deps.insert(op_of_[rank][it->second]);
      else if (seen.insert(it->second).second)
        resolve(rank, it->second, deps, seen);
    }
  }
}

void Importer::add_dependencies() {
  std::vector<std::set<std::size_t>> deps(job_.ops.size());
  for (int r = 0; r < static_cast<int>(ranks_.size()); ++r) {
    for (std::size_t i = 0; i < ranks_[r].nodes.size(); ++i) {
      const auto op = op_of_[r][i];
      if (op == kNoOp) continue;
      std::set<std::size_t> seen;
      resolve(r, i, deps[op], seen);
    }
  }
  for (std::size_t op = 0; op < job_.ops.size(); ++op) {
    deps[op].erase(op);
    job_.ops[op].deps.assign(deps[op].begin(), deps[op].end());
  }
}

}  // namespace

Result<ChakraImport, std::vector<Diagnostic>> import_chakra(
    const std::vector<std::string>& rank_files, const ChakraImportOptions& options) {
  if (rank_files.empty())
    return unexpected(std::vector<Diagnostic>{{"chakra", 0, 0, "no rank files"}});
  std::vector<chakra::RankFile> ranks;
  std::vector<Diagnostic> problems;
  for (const auto& path : rank_files) {
    auto file = chakra::read_rank_file(path);
    if (file)
      ranks.push_back(std::move(*file));
    else
      problems.push_back({path, 0, 0, file.error()});
  }
  if (!problems.empty()) return unexpected(std::move(problems));
  const auto label = std::filesystem::path(rank_files[0]).parent_path().string();
  return Importer(std::move(ranks), label.empty() ? "." : label).run(options);
}

}  // namespace lightpath::trace
