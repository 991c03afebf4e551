#include "simulator/trace/chakra_writer.h"

#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "simulator/trace/chakra_io.h"

namespace lightpath::trace {
namespace {

using ChakraProtoMsg::AttributeProto;
using ChakraProtoMsg::Node;

ChakraProtoMsg::CollectiveCommType comm_type(OpKind kind) {
  switch (kind) {
    case OpKind::kAllGather:
      return ChakraProtoMsg::ALL_GATHER;
    case OpKind::kReduceScatter:
      return ChakraProtoMsg::REDUCE_SCATTER;
    case OpKind::kAllToAll:
      return ChakraProtoMsg::ALL_TO_ALL;
    case OpKind::kBroadcast:
      return ChakraProtoMsg::BROADCAST;
    default:
      return ChakraProtoMsg::ALL_REDUCE;
  }
}

void add_int(Node& node, const char* name, std::int64_t value) {
  auto* a = node.add_attr();
  a->set_name(name);
  a->set_int64_val(value);
}

// member_of[op][gpu]: the member of the op's group holding the GPU, or -1.
std::vector<std::unordered_map<int, int>> index_members(const Job& job) {
  std::vector<std::unordered_map<int, int>> out(job.ops.size());
  for (std::size_t i = 0; i < job.ops.size(); ++i) {
    const auto& members = job.groups.at(job.ops[i].group).members;
    for (std::size_t m = 0; m < members.size(); ++m)
      for (int gpu : members[m]) out[i][gpu] = static_cast<int>(m);
  }
  return out;
}

// Each op instance must share a GPU with every op it depends on.
std::string check_expressible(const Job& job,
                              const std::vector<std::unordered_map<int, int>>& member_of) {
  for (std::size_t i = 0; i < job.ops.size(); ++i) {
    const auto& members = job.groups[job.ops[i].group].members;
    for (auto d : job.ops[i].deps) {
      for (const auto& member : members) {
        bool shared = false;
        for (int gpu : member) shared = shared || member_of[d].count(gpu);
        if (!shared)
          return "op '" + job.ops[i].id + "' depends on op '" + job.ops[d].id +
                 "', which runs on none of the GPUs of one of its instances (GPU " +
                 std::to_string(member.front()) + ", ...); Chakra dependencies are per rank";
      }
    }
  }
  return "";
}

}  // namespace

Result<int, std::string> write_chakra(const Job& job, const std::string& trace_name,
                                      const std::string& dir) {
  const auto order = topological_order(job);
  if (!order) return unexpected("job '" + job.id + "': dependencies form a cycle");
  const auto member_of = index_members(job);
  if (auto problem = check_expressible(job, member_of); !problem.empty())
    return unexpected("job '" + job.id + "': " + problem);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unexpected(dir + ": " + ec.message());

  int files = 0;
  for (const auto& gpu : job.gpus) {
    const int rank = gpu.id;
    const std::string path = dir + "/" + trace_name + "." + std::to_string(rank) + ".et";
    std::ofstream out(path, std::ios::binary);
    ChakraProtoMsg::GlobalMetadata meta;
    meta.set_version("0.0.4");
    auto meta_attr = [&](const char* name) {
      auto* a = meta.add_attr();
      a->set_name(name);
      return a;
    };
    meta_attr("schema")->set_string_val("lightpath-trace-1");
    meta_attr("lightpath_trace")->set_string_val(trace_name);
    meta_attr("lightpath_job")->set_string_val(job.id);
    meta_attr("lightpath_iterations")->set_int64_val(job.iterations);
    meta_attr("lightpath_arrival_ns")->set_int64_val(job.arrival.count_ns());
    chakra::write_message(out, meta);

    std::unordered_map<std::size_t, std::uint64_t> node_of;  // op -> node id on this rank
    for (auto i : *order) {
      const Op& op = job.ops[i];
      auto m = member_of[i].find(rank);
      if (m == member_of[i].end()) continue;
      Node node;
      node.set_id(node_of.size());
      node.set_name(op.id);
      for (auto d : op.deps)
        if (auto it = node_of.find(d); it != node_of.end()) node.add_data_deps(it->second);
      auto* cpu = node.add_attr();
      cpu->set_name("is_cpu_op");
      cpu->set_bool_val(false);
      const auto& member = job.groups[op.group].members[m->second];
      if (op.kind == OpKind::kCompute) {
        node.set_type(ChakraProtoMsg::COMP_NODE);
        node.set_duration_micros(static_cast<std::uint64_t>((op.duration.count_ns() + 500) / 1000));
      } else if (op.kind == OpKind::kSend) {
        node.set_type(member[0] == rank ? ChakraProtoMsg::COMM_SEND_NODE
                                        : ChakraProtoMsg::COMM_RECV_NODE);
        add_int(node, "comm_src", member[0]);
        add_int(node, "comm_dst", member[1]);
        add_int(node, "comm_size", op.bytes.count());
        add_int(node, "comm_tag", static_cast<std::int64_t>(i));
      } else {
        node.set_type(ChakraProtoMsg::COMM_COLL_NODE);
        add_int(node, "comm_type", comm_type(op.kind));
        add_int(node, "comm_size", op.bytes.count());
        auto* pg = node.add_attr();
        pg->set_name("pg_name");
        pg->set_string_val(job.groups[op.group].id + "/" + std::to_string(m->second));
        // Chakra has no root field; the importer reads this one back.
        if (op.kind == OpKind::kBroadcast) add_int(node, "root_rank", member[op.root]);
      }
      node_of[i] = node.id();
      chakra::write_message(out, node);
    }
    out.close();
    if (!out) return unexpected(path + ": cannot write the file");
    ++files;
  }
  return files;
}

}  // namespace lightpath::trace
