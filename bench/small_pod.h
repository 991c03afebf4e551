#pragma once
// A full fabric shaped like a small tpuv4-pod, as topology YAML: `n` blocks
// with 2 ports on each of `S` MEMS switches. Shared by the exact-answer
// benchmark and the engineering tests that compare against it.
#include <cstdio>
#include <string>

namespace lightpath::bench {

inline std::string small_pod_yaml(int n, int S) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "lightpath_topology: 1\nname: small-pod\n"
                "transceivers:\n  - {name: t, grid: cwdm, wavelengths: 4, channel_rate_gbps: 50,"
                " launch_power_dbm: 1.0, rx_sensitivity_dbm: -9.0}\n"
                "endpoints:\n  - name: \"block{00..%02d}\"\n    kind: block\n"
                "    port_groups:\n      - {name: up, ports: %d, transceiver: t}\n"
                "optical_switches:\n  - name: \"ocs{00..%02d}\"\n    kind: mems\n"
                "    ports: %d\n    insertion_loss_db: 2.0\n"
                "    switching: {min_ms: 10, max_ms: 30, settle_ms: 5}\n"
                "wiring:\n  - {endpoints: \"block{00..%02d}\", port_group: up,"
                " switches: \"ocs{00..%02d}\", length_m: 50}\n",
                n - 1, 2 * S, S - 1, 2 * n, n - 1, S - 1);
  return buf;
}

}  // namespace lightpath::bench
