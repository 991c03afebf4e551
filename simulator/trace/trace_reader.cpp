#include "simulator/trace/trace_reader.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "simulator/trace/json_record.h"
#include "simulator/trace/trace_check.h"

namespace lightpath::trace {
namespace {

using nlohmann::json;

// What the reader knows about a job while its records arrive. Names of
// records that failed to read are kept apart so that later references to
// them are not reported a second time as unknown.
struct JobState {
  std::size_t index = 0;
  std::unordered_map<int, std::size_t> gpus;
  std::unordered_map<std::string, std::size_t> groups;
  std::unordered_map<std::string, std::size_t> ops;
  std::unordered_set<int> broken_gpus;
  std::unordered_set<std::string> broken_groups;
  std::unordered_set<std::string> broken_ops;
  std::vector<std::vector<std::string>> dep_names;  // per op, resolved at the end
};

class Reader {
 public:
  explicit Reader(std::string file) : diags_(std::move(file)) {}

  ReadResult run(std::string_view text) {
    int line = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      auto raw = text.substr(start, end - start);
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      ++line;
      start = end + 1;
      if (raw.find_first_not_of(" \t") == std::string_view::npos) continue;
      read_line(raw, line);
    }
    if (!seen_header_)
      diags_.add(line > 0 ? 1 : 0, 0, "no trace header record (type \"trace\")");
    else if (trace_.jobs.empty() && broken_jobs_.empty())
      diags_.add(header_line_, 1, "the trace has no jobs");
    for (auto& state : states_) finish_job(state);
    if (!diags_.ok()) return unexpected(diags_.take());
    return std::move(trace_);
  }

 private:
  void read_line(std::string_view raw, int line) {
    json obj;
    try {
      obj = json::parse(raw);
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      // nlohmann's text repeats the position we give ourselves; keep its reason.
      const auto reason = what.find(": ", what.find("column"));
      diags_.add(line, static_cast<int>(e.byte),
                 "invalid JSON: " + (reason == std::string::npos ? what : what.substr(reason + 2)));
      return;
    } catch (const json::exception& e) {
      // Not a syntax error but still unreadable, e.g. out_of_range.406 for a
      // number too large for a double ("1E400"); keep the text after "[json.exception...] ".
      const std::string what = e.what();
      const auto reason = what.find("] ");
      diags_.add(line, 1,
                 "invalid JSON: " + (reason == std::string::npos ? what : what.substr(reason + 2)));
      return;
    }
    JsonRecord rec(obj, raw, line, diags_);
    if (!obj.is_object()) {
      rec.error("a record must be a JSON object");
      return;
    }
    const auto type = rec.text("type");
    if (!type) return;
    if (!seen_header_ && *type != "trace") {
      rec.error("the first record must be the trace header (type \"trace\")");
      seen_header_ = true;  // said once; read the rest as usual
      header_line_ = line;
    }
    if (*type == "trace")
      read_header(rec);
    else if (*type == "job")
      read_job(rec);
    else if (*type == "gpu")
      read_gpu(rec);
    else if (*type == "group")
      read_group(rec);
    else if (*type == "op")
      read_op(rec);
    else
      rec.field_error("type",
                      "'" + *type + "' is not a record type (known: trace, job, gpu, group, op)");
  }

  void read_header(JsonRecord& rec) {
    rec.set_what("trace header");
    if (seen_header_ && header_line_ != rec.line()) {
      rec.error("a second trace header (the first is on line " + std::to_string(header_line_) +
                ")");
      return;
    }
    seen_header_ = true;
    header_line_ = rec.line();
    rec.only_keys({"type", "version", "name", "topology"});
    if (auto v = rec.integer("version", 0); v && *v != kTraceFormatVersion)
      rec.field_error("version", "is " + std::to_string(*v) + "; this build reads version " +
                                     std::to_string(kTraceFormatVersion));
    trace_.name = rec.text("name").value_or("");
    if (rec.has("topology")) trace_.topology = rec.text("topology").value_or("");
  }

  void read_job(JsonRecord& rec) {
    auto id = rec.text("id");
    if (id) rec.set_what("job '" + *id + "'");
    rec.only_keys({"type", "id", "arrival_ns", "iterations"});
    if (!id) return;
    auto arrival = rec.integer("arrival_ns", 0);
    auto iterations = rec.integer("iterations", 1);
    if (jobs_.count(*id) || broken_jobs_.count(*id)) {
      rec.field_error("id", "repeats job '" + *id + "'");
      return;
    }
    if (!arrival || !iterations) {
      broken_jobs_.insert(*id);
      return;
    }
    Job job;
    job.id = *id;
    job.arrival = Duration::ns(*arrival);
    job.iterations = *iterations;
    job.line = rec.line();
    jobs_[*id] = trace_.jobs.size();
    states_.push_back({});
    states_.back().index = trace_.jobs.size();
    trace_.jobs.push_back(std::move(job));
  }

  // The job a record names, or null (reported unless the job itself was bad).
  JobState* job_of(JsonRecord& rec) {
    auto id = rec.text("job");
    if (!id) return nullptr;
    auto it = jobs_.find(*id);
    if (it != jobs_.end()) return &states_[it->second];
    if (!broken_jobs_.count(*id))
      rec.field_error("job",
                      "names unknown job '" + *id + "' (jobs must come before their records)");
    return nullptr;
  }

  void read_gpu(JsonRecord& rec) {
    rec.only_keys({"type", "job", "gpu", "endpoint", "port_group"});
    auto* state = job_of(rec);
    auto id = rec.integer("gpu", 0);
    auto endpoint = rec.text("endpoint");
    auto port_group = rec.text("port_group");
    if (!state || !id) return;
    Job& job = trace_.jobs[state->index];
    if (*id > std::numeric_limits<int>::max()) {
      rec.field_error("gpu", "is too large");
      return;
    }
    const int gpu = static_cast<int>(*id);
    if (state->gpus.count(gpu) || state->broken_gpus.count(gpu)) {
      rec.field_error("gpu", "repeats GPU " + std::to_string(gpu) + " of job '" + job.id + "'");
      return;
    }
    if (!endpoint || !port_group) {
      state->broken_gpus.insert(gpu);
      return;
    }
    state->gpus[gpu] = job.gpus.size();
    job.gpus.push_back({gpu, *endpoint, *port_group, rec.line()});
  }

  void read_group(JsonRecord& rec) {
    auto id = rec.text("id");
    if (id) rec.set_what("group '" + *id + "'");
    rec.only_keys({"type", "job", "id", "members"});
    auto* state = job_of(rec);
    auto members = rec.int_lists("members");
    if (!state || !id) return;
    Job& job = trace_.jobs[state->index];
    if (state->groups.count(*id) || state->broken_groups.count(*id)) {
      rec.field_error("id", "repeats group '" + *id + "' of job '" + job.id + "'");
      return;
    }
    bool good = members.has_value();
    if (members) {
      std::unordered_set<int> seen;
      for (const auto& member : *members) {
        for (int gpu : member) {
          if (state->broken_gpus.count(gpu)) {
            good = false;  // reported on the GPU's own line
          } else if (!state->gpus.count(gpu)) {
            rec.field_error("members", "names unknown GPU " + std::to_string(gpu) + " of job '" +
                                           job.id + "' (GPUs must come before their groups)");
            good = false;
          } else if (!seen.insert(gpu).second) {
            rec.field_error("members", "names GPU " + std::to_string(gpu) +
                                           " twice (members of a group must not overlap)");
            good = false;
          }
        }
      }
    }
    if (!good) {
      state->broken_groups.insert(*id);
      return;
    }
    state->groups[*id] = job.groups.size();
    job.groups.push_back({*id, std::move(*members), rec.line()});
  }

  void read_op(JsonRecord& rec);
  void finish_job(JobState& state);

  DiagnosticList diags_;
  Trace trace_;
  bool seen_header_ = false;
  int header_line_ = 0;
  std::unordered_map<std::string, std::size_t> jobs_;  // id -> index in trace_.jobs
  std::vector<JobState> states_;                       // by the same index
  std::unordered_set<std::string> broken_jobs_;
};

void Reader::read_op(JsonRecord& rec) {
  auto id = rec.text("id");
  if (id) rec.set_what("op '" + *id + "'");
  auto* state = job_of(rec);
  std::optional<OpKind> kind;
  if (auto k = rec.text("kind"); k) {
    kind = parse_op_kind(*k);
    if (!kind)
      rec.field_error("kind", "'" + *k +
                                  "' is not an op kind (known: compute, all_reduce, "
                                  "all_gather, reduce_scatter, all_to_all, broadcast, send)");
  }
  // The fields an op has depend on its kind; unknown ones are named as such.
  const std::string for_kind = kind ? "for kind '" + std::string(to_string(*kind)) + "'" : "";
  if (!kind)
    rec.only_keys({"type", "job", "id", "kind", "group", "deps", "duration_ns", "bytes", "root"});
  else if (*kind == OpKind::kCompute)
    rec.only_keys({"type", "job", "id", "kind", "group", "deps", "duration_ns"}, for_kind);
  else if (*kind == OpKind::kBroadcast)
    rec.only_keys({"type", "job", "id", "kind", "group", "deps", "bytes", "root"}, for_kind);
  else
    rec.only_keys({"type", "job", "id", "kind", "group", "deps", "bytes"}, for_kind);
  auto group_id = rec.text("group");
  auto deps = rec.optional_text_list("deps");
  Op op;
  op.line = rec.line();
  bool good = id && kind && group_id && deps && state;
  if (kind == OpKind::kCompute) {
    auto d = rec.integer("duration_ns", 0);
    good = good && d;
    if (d) op.duration = Duration::ns(*d);
  } else if (kind) {
    auto b = rec.integer("bytes", 0);
    good = good && b;
    if (b) op.bytes = Bytes(*b);
    if (kind == OpKind::kBroadcast) {
      auto r = rec.integer("root", 0);
      good = good && r;
      if (r) op.root = static_cast<int>(std::min<std::int64_t>(*r, 1 << 30));
    }
  }
  if (!state || !id) return;
  Job& job = trace_.jobs[state->index];
  if (state->ops.count(*id) || state->broken_ops.count(*id)) {
    rec.field_error("id", "repeats op '" + *id + "' of job '" + job.id + "'");
    return;
  }
  if (group_id) {
    auto g = state->groups.find(*group_id);
    if (g == state->groups.end()) {
      if (!state->broken_groups.count(*group_id))
        rec.field_error("group", "names unknown group '" + *group_id + "' of job '" + job.id +
                                     "' (groups must come before their ops)");
      good = false;
    } else if (kind) {
      op.group = g->second;
      for (const auto& member : job.groups[g->second].members) {
        if (*kind == OpKind::kSend && member.size() != 2) {
          rec.field_error("group", "'" + *group_id + "' has a member of " +
                                       std::to_string(member.size()) +
                                       " GPUs; a send needs [source, destination] pairs");
          good = false;
          break;
        }
        if (*kind == OpKind::kBroadcast && op.root >= static_cast<int>(member.size())) {
          rec.field_error("root", "is " + std::to_string(op.root) + " but group '" + *group_id +
                                      "' has a member of " + std::to_string(member.size()) +
                                      " GPUs");
          good = false;
          break;
        }
      }
    }
  }
  if (!good) {
    state->broken_ops.insert(*id);
    return;
  }
  op.id = *id;
  op.kind = *kind;
  state->ops[*id] = job.ops.size();
  state->dep_names.push_back(std::move(*deps));
  job.ops.push_back(std::move(op));
}

void Reader::finish_job(JobState& state) {
  Job& job = trace_.jobs[state.index];
  if (job.gpus.empty()) diags_.add(job.line, 1, "job '" + job.id + "': has no GPUs");
  if (job.ops.empty() && state.broken_ops.empty())
    diags_.add(job.line, 1, "job '" + job.id + "': has no ops");
  for (std::size_t i = 0; i < job.ops.size(); ++i) {
    Op& op = job.ops[i];
    std::unordered_set<std::size_t> seen;
    for (const auto& name : state.dep_names[i]) {
      auto it = state.ops.find(name);
      const std::string what = "job '" + job.id + "': op '" + op.id + "': field 'deps' ";
      if (it == state.ops.end()) {
        if (!state.broken_ops.count(name))
          diags_.add(op.line, 1, what + "names unknown op '" + name + "'");
      } else if (!seen.insert(it->second).second) {
        diags_.add(op.line, 1, what + "names op '" + name + "' twice");
      } else {
        op.deps.push_back(it->second);
      }
    }
  }
  // A cycle through an op that failed to read cannot be seen; the ops read are
  // still checked so that a file with several errors reports them together.
  check_cycles(job, diags_);
}

}  // namespace

ReadResult read_trace_text(std::string_view text, const std::string& file_label) {
  return Reader(file_label).run(text);
}

ReadResult read_trace_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot open the file"}});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return read_trace_text(buffer.str(), path);
}

}  // namespace lightpath::trace
