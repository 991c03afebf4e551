#include "simulator/fault_injector.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace lightpath::sim {

namespace {

class ScriptParser {
 public:
  ScriptParser(const std::string& label, const SimulatedFabric& fabric, TimePoint now)
      : r_(label), fabric_(fabric), now_(now) {}

  FaultScriptResult parse(std::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      r_.error(e.mark, "YAML syntax error: " + e.msg);
      return unexpected(r_.take_diagnostics());
    }
    if (!root.IsMap()) {
      r_.error(root, "a fault script must be a mapping with 'lightpath_faults' and 'faults'");
      return unexpected(r_.take_diagnostics());
    }
    r_.expect_map(root, "fault script", {"lightpath_faults", "faults"});
    if (auto v = r_.integer(root, "lightpath_faults", "fault script", true); v && *v != 1)
      r_.error(root["lightpath_faults"], "unsupported fault script version " + std::to_string(*v) +
                                             " (this build reads version 1)");
    const YAML::Node list = root["faults"];
    FaultScript script;
    if (r_.expect_list(list, "faults") && list)
      for (std::size_t i = 0; i < list.size(); ++i) read_action(list[i], i, script);
    if (!r_.ok()) return unexpected(r_.take_diagnostics());
    return script;
  }

 private:
  void read_action(const YAML::Node& n, std::size_t i, FaultScript& script) {
    const std::string what = "faults[" + std::to_string(i) + "]";
    if (!r_.expect_map(n, what,
                       {"at_s", "at_ms", "switch", "fault", "recover", "port", "duration_s"}))
      return;
    FaultAction a;
    const auto at_s = r_.number(n, "at_s", what, false);
    const auto at_ms = r_.number(n, "at_ms", what, false);
    if (at_s.has_value() == at_ms.has_value()) {
      r_.error(n, what + ": give exactly one of 'at_s' or 'at_ms'");
      return;
    }
    const YAML::Node at_node = at_s ? n["at_s"] : n["at_ms"];
    a.at = TimePoint() + (at_s ? Duration::from_seconds(*at_s) : Duration::from_ms(*at_ms));
    if (a.at < now_)
      r_.error(at_node,
               fmt::format("{}: time {:.3f} s is in the past (the simulation is at {:.3f} s)", what,
                           (a.at - TimePoint()).seconds(), (now_ - TimePoint()).seconds()));
    const auto sw_name = r_.text(n, "switch", what, true);
    const MemsSwitch* sw = nullptr;
    if (sw_name) {
      sw = fabric_.find(*sw_name);
      if (!sw)
        r_.error(n["switch"], what + ": unknown switch '" + *sw_name + "'" + known_switches());
      a.switch_name = *sw_name;
    }
    const auto fault = r_.text(n, "fault", what, false);
    const auto recover = r_.text(n, "recover", what, false);
    if (fault.has_value() == recover.has_value()) {
      r_.error(n, what + ": give exactly one of 'fault' or 'recover'");
      return;
    }
    a.recover = recover.has_value();
    const char* kind_key = a.recover ? "recover" : "fault";
    const auto kind = parse_fault_kind(a.recover ? *recover : *fault);
    if (!kind) {
      r_.error(n[kind_key], what + ": unknown fault '" + (a.recover ? *recover : *fault) +
                                "' (known: stuck_mirror, dark_port, fiber_cut, switch_down)");
      return;
    }
    a.kind = *kind;
    const auto port = r_.integer(n, "port", what, is_port_fault(a.kind));
    if (port && !is_port_fault(a.kind))
      r_.error(n["port"], what + ": 'port' does not apply to switch_down");
    if (port && is_port_fault(a.kind)) {
      a.port = static_cast<int>(*port);
      if (sw && (a.port < 0 || a.port >= sw->port_count()))
        r_.error(n["port"], fmt::format("{}: port {} is out of range (switch {} has ports 0..{})",
                                        what, a.port, sw->name(), sw->port_count() - 1));
    }
    if (const auto d = r_.number(n, "duration_s", what, false)) {
      if (a.recover)
        r_.error(n["duration_s"], what + ": 'duration_s' goes with 'fault', not 'recover'");
      if (*d <= 0) r_.error(n["duration_s"], what + ": 'duration_s' must be greater than zero");
      a.duration = Duration::from_seconds(*d);
    }
    script.actions.push_back(std::move(a));
  }

  std::string known_switches() const {
    std::string s;
    int shown = 0;
    for (const auto& sw : fabric_.switches()) {
      if (shown++ == 5) return s + ", ...)";
      s += (s.empty() ? " (known: " : ", ") + sw->name();
    }
    return s.empty() ? " (the fabric has no MEMS switches)" : s + ")";
  }

  topology::YamlReader r_;
  const SimulatedFabric& fabric_;
  TimePoint now_;
};

}  // namespace

FaultScriptResult parse_fault_script(std::string_view yaml, const std::string& file_label,
                                     const SimulatedFabric& fabric, TimePoint now) {
  return ScriptParser(file_label, fabric, now).parse(yaml);
}

FaultScriptResult load_fault_script(const std::string& path, const SimulatedFabric& fabric,
                                    TimePoint now) {
  std::ifstream in(path);
  if (!in) return unexpected(Diagnostics{{path, 0, 0, "cannot open the fault script"}});
  std::stringstream text;
  text << in.rdbuf();
  return parse_fault_script(text.str(), path, fabric, now);
}

FaultInjector::~FaultInjector() {
  for (EventId e : events_) fabric_.engine().cancel(e);
}

bool FaultInjector::act(MemsSwitch& sw, FaultKind kind, int port, bool recover) {
  const bool effect = recover ? sw.recover(kind, port) : sw.inject(kind, port);
  history_.push_back({fabric_.engine().now(), sw.name(), kind, port, recover, effect});
  return effect;
}

void FaultInjector::schedule(const FaultScript& script) {
  EventEngine& engine = fabric_.engine();
  for (const FaultAction& a : script.actions) {
    MemsSwitch* sw = fabric_.find(a.switch_name);
    if (!sw) continue;  // parse_fault_script has refused such scripts
    events_.push_back(
        engine.schedule_at(a.at, [this, sw, a] { act(*sw, a.kind, a.port, a.recover); }));
    if (!a.recover && a.duration > Duration())
      events_.push_back(
          engine.schedule_at(a.at + a.duration, [this, sw, a] { act(*sw, a.kind, a.port, true); }));
  }
}

void FaultInjector::start_random(const RandomFaultOptions& options) {
  random_ = options;
  if (random_.kinds.empty() || random_.mtbf <= Duration()) return;
  streams_.clear();
  for (std::size_t i = 0; i < fabric_.switches().size(); ++i) {
    streams_.push_back(fabric_.engine().rng().fork(0xFA17 + i));
    const auto wait = Duration::from_seconds(streams_[i].exponential(random_.mtbf.seconds()));
    events_.push_back(fabric_.engine().schedule_after(wait, [this, i] { random_failure(i); }));
  }
}

void FaultInjector::random_failure(std::size_t index) {
  MemsSwitch& sw = *fabric_.switches()[index];
  Rng& rng = streams_[index];
  const auto kind = random_.kinds[static_cast<std::size_t>(
      rng.uniform_int(0, static_cast<std::int64_t>(random_.kinds.size()) - 1))];
  const int port =
      is_port_fault(kind) ? static_cast<int>(rng.uniform_int(0, sw.port_count() - 1)) : -1;
  // A fault that was already present belongs to someone else's repair.
  const bool took_effect = act(sw, kind, port, false);
  EventEngine& engine = fabric_.engine();
  const auto repair = Duration::from_seconds(rng.exponential(random_.mttr.seconds()));
  if (took_effect)
    events_.push_back(
        engine.schedule_after(repair, [this, &sw, kind, port] { act(sw, kind, port, true); }));
  const auto next = repair + Duration::from_seconds(rng.exponential(random_.mtbf.seconds()));
  events_.push_back(engine.schedule_after(next, [this, index] { random_failure(index); }));
}

}  // namespace lightpath::sim
