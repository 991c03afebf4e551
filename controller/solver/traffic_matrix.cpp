#include "controller/solver/traffic_matrix.h"

#include <cmath>
#include <map>
#include <optional>
#include <unordered_map>

#include "controller/topology/name_pattern.h"

namespace lightpath::solver {
namespace {

using topology::Diagnostic;
using topology::YamlReader;

std::string quoted(std::string_view s) {
  std::string out(1, '\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

// Loads YAML text, turning a syntax error into a diagnostic.
std::optional<YAML::Node> load_yaml(std::string_view text, YamlReader& r) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
}

std::optional<double> demand_value(const YAML::Node& n, YamlReader& r, std::string_view what) {
  if (!n.IsScalar()) {
    r.error(n, std::string(what) + " must be a number");
    return std::nullopt;
  }
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    r.error(n, std::string(what) + " must be a number, got " + quoted(n.Scalar()));
    return std::nullopt;
  }
  if (!std::isfinite(v)) {
    r.error(n, std::string(what) + " must be a finite number, got " + quoted(n.Scalar()));
    return std::nullopt;
  }
  if (v < 0) {
    r.error(n, std::string(what) + " must not be negative, got " + n.Scalar());
    return std::nullopt;
  }
  return v;
}

class MatrixReader {
 public:
  MatrixReader(const std::string& file, const Fabric& fabric) : r_(file), fabric_(fabric) {}

  ParseResult<TrafficMatrix> run(const YAML::Node& root) {
    if (!r_.expect_map(root, "traffic matrix", {"endpoints", "demand_gbps", "entries"}))
      return unexpected(r_.take_diagnostics());
    const YAML::Node dense = root["demand_gbps"];
    const YAML::Node sparse = root["entries"];
    if (dense && sparse) r_.error(sparse, "traffic matrix: give demand_gbps or entries, not both");
    if (!dense && !sparse) r_.error(root, "traffic matrix: needs demand_gbps or entries");
    read_endpoints(root);
    if (!r_.ok()) return unexpected(r_.take_diagnostics());
    const std::size_t n = m_.endpoints.size();
    m_.demand_gbps.assign(n, std::vector<double>(n, 0.0));
    if (dense) read_dense(dense);
    if (sparse) read_sparse(sparse);
    if (!r_.ok()) return unexpected(r_.take_diagnostics());
    return std::move(m_);
  }

 private:
  // Without an `endpoints` key the matrix is over every endpoint of the fabric.
  void read_endpoints(const YAML::Node& root) {
    const YAML::Node eps = root["endpoints"];
    if (!eps) {
      if (root["demand_gbps"])
        r_.error(root, "traffic matrix: demand_gbps needs an endpoints list");
      for (const auto& e : fabric_.endpoints) add_endpoint(e.name, root);
      return;
    }
    if (eps.IsScalar()) {
      add_pattern(eps);
    } else if (eps.IsSequence()) {
      for (const auto& e : eps) {
        if (e.IsScalar())
          add_pattern(e);
        else
          r_.error(e, "endpoints: each entry must be a name or a name pattern");
      }
    } else {
      r_.error(eps, "endpoints must be a name pattern or a list of names");
    }
    if (m_.endpoints.empty() && r_.ok()) r_.error(eps, "endpoints: the list is empty");
  }

  void add_pattern(const YAML::Node& n) {
    auto names = topology::expand_pattern(n.Scalar());
    if (!names) {
      r_.error(n, "endpoints: " + names.error().message);
      return;
    }
    for (const auto& name : *names) add_endpoint(name, n);
  }

  void add_endpoint(const std::string& name, const YAML::Node& at) {
    if (!fabric_.find_endpoint(name)) {
      r_.error(at, "endpoints: the fabric has no endpoint named " + quoted(name));
      return;
    }
    auto [it, fresh] = index_.emplace(name, m_.endpoints.size());
    if (!fresh) {
      r_.error(at, "endpoints: duplicate endpoint " + quoted(name));
      return;
    }
    m_.endpoints.push_back(name);
  }

  void read_dense(const YAML::Node& rows) {
    const std::size_t n = m_.endpoints.size();
    if (!rows.IsSequence()) {
      r_.error(rows, "demand_gbps must be a list of rows");
      return;
    }
    if (rows.size() != n) {
      r_.error(rows, "demand_gbps has " + std::to_string(rows.size()) + " rows, expected " +
                         std::to_string(n) + " (one per endpoint)");
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const YAML::Node row = rows[i];
      const std::string what =
          "demand_gbps row " + std::to_string(i) + " (" + m_.endpoints[i] + ")";
      if (!row.IsSequence()) {
        r_.error(row, what + " must be a list of numbers");
        continue;
      }
      if (row.size() != n) {
        r_.error(row, what + " has " + std::to_string(row.size()) + " columns, expected " +
                          std::to_string(n));
        continue;
      }
      for (std::size_t j = 0; j < n; ++j) {
        const YAML::Node cell = row[j];
        auto v = demand_value(cell, r_, what + " column " + std::to_string(j));
        if (!v) continue;
        if (i == j && *v != 0)
          r_.error(cell, what + ": demand of an endpoint to itself must be 0");
        else
          m_.demand_gbps[i][j] = *v;
      }
    }
  }

  void read_sparse(const YAML::Node& list) {
    if (!r_.expect_list(list, "entries")) return;
    std::map<std::pair<std::size_t, std::size_t>, int> seen;  // pair -> line, for duplicates
    for (const auto& e : list) {
      if (!r_.expect_map(e, "entry", {"from", "to", "gbps"})) continue;
      auto from = endpoint_field(e, "from");
      auto to = endpoint_field(e, "to");
      const YAML::Node g = e["gbps"];
      std::optional<double> gbps;
      if (!g)
        r_.error(e, "entry: missing required field 'gbps'");
      else
        gbps = demand_value(g, r_, "entry: gbps");
      if (!from || !to || !gbps) continue;
      if (*from == *to) {
        r_.error(e, "entry: from and to are the same endpoint " + quoted(m_.endpoints[*from]));
        continue;
      }
      auto [it, fresh] = seen.emplace(std::pair(*from, *to), e.Mark().line + 1);
      if (!fresh) {
        r_.error(e, "entry: duplicate demand " + m_.endpoints[*from] + " -> " + m_.endpoints[*to] +
                        " (first given at line " + std::to_string(it->second) + ")");
        continue;
      }
      m_.demand_gbps[*from][*to] = *gbps;
    }
  }

  std::optional<std::size_t> endpoint_field(const YAML::Node& e, const char* key) {
    auto name = r_.text(e, key, "entry", true);
    if (!name) return std::nullopt;
    auto it = index_.find(*name);
    if (it != index_.end()) return it->second;
    r_.error(e[key], fabric_.find_endpoint(*name)
                         ? "entry: endpoint " + quoted(*name) + " is not in the endpoints list"
                         : "entry: the fabric has no endpoint named " + quoted(*name));
    return std::nullopt;
  }

  YamlReader r_;
  const Fabric& fabric_;
  TrafficMatrix m_;
  std::unordered_map<std::string, std::size_t> index_;
};

ParseResult<std::vector<CrossConnect>> read_cross_connects(const YAML::Node& root, YamlReader& r,
                                                           const Fabric& fabric) {
  YAML::Node list = root;
  if (root.IsMap()) {
    if (!r.expect_map(root, "cross-connects file", {"cross_connects"}))
      return unexpected(r.take_diagnostics());
    list = root["cross_connects"];
  }
  std::vector<CrossConnect> out;
  if (!list || list.IsNull()) return out;  // an empty file: no cross-connects
  if (!list.IsSequence()) {
    r.error(list, "cross-connects must be a list of {switch, a, b}");
    return unexpected(r.take_diagnostics());
  }
  std::map<std::pair<std::uint32_t, long long>, int> used;  // (switch, port) -> line
  for (const auto& n : list) {
    if (!r.expect_map(n, "cross-connect", {"switch", "a", "b"})) continue;
    auto name = r.text(n, "switch", "cross-connect", true);
    auto a = r.integer(n, "a", "cross-connect", true);
    auto b = r.integer(n, "b", "cross-connect", true);
    if (!name || !a || !b) continue;
    auto sw = fabric.find_optical_switch(*name);
    if (!sw) {
      r.error(n["switch"],
              "cross-connect: the fabric has no optical switch named " + quoted(*name));
      continue;
    }
    const auto& os = fabric.optical_switch(*sw);
    if (os.kind != SwitchKind::kMems) {
      r.error(n["switch"], "cross-connect: " + quoted(*name) +
                               " is a WSS switch; topology engineering plans MEMS switches only");
      continue;
    }
    bool ok = true;
    for (const char* key : {"a", "b"}) {
      const long long p = key[0] == 'a' ? *a : *b;
      if (p < 0 || p >= os.port_count) {
        r.error(n[key], "cross-connect: port " + std::to_string(p) + " is out of range for " +
                            *name + " (ports 0.." + std::to_string(os.port_count - 1) + ")");
        ok = false;
      }
    }
    if (!ok) continue;
    if (*a == *b) {
      r.error(n, "cross-connect: joins port " + std::to_string(*a) + " of " + *name + " to itself");
      continue;
    }
    for (const char* key : {"a", "b"}) {
      const long long p = key[0] == 'a' ? *a : *b;
      auto [it, fresh] = used.emplace(std::pair(sw->value(), p), n.Mark().line + 1);
      if (!fresh) {
        r.error(n[key], "cross-connect: port " + *name + "/" + std::to_string(p) +
                            " is already in a cross-connect (line " + std::to_string(it->second) +
                            ")");
        ok = false;
      }
    }
    if (ok) out.push_back(CrossConnect::make(*sw, static_cast<int>(*a), static_cast<int>(*b)));
  }
  if (!r.ok()) return unexpected(r.take_diagnostics());
  return out;
}

}  // namespace

ParseResult<TrafficMatrix> parse_traffic_matrix(std::string_view text,
                                                const std::string& file_label,
                                                const Fabric& fabric) {
  YamlReader r(file_label);
  auto root = load_yaml(text, r);
  if (!root) return unexpected(r.take_diagnostics());
  try {
    return MatrixReader(file_label, fabric).run(*root);
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "cannot read traffic matrix: " + e.msg);
    return unexpected(r.take_diagnostics());
  }
}

ParseResult<std::vector<CrossConnect>> parse_cross_connects(std::string_view text,
                                                            const std::string& file_label,
                                                            const Fabric& fabric) {
  YamlReader r(file_label);
  auto root = load_yaml(text, r);
  if (!root) return unexpected(r.take_diagnostics());
  try {
    return read_cross_connects(*root, r, fabric);
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "cannot read cross-connects: " + e.msg);
    return unexpected(r.take_diagnostics());
  }
}

}  // namespace lightpath::solver
