#pragma once
// Who may call lightpathd: bearer tokens, each with a name, a role and (for
// schedulers) a tenant, read from a YAML file that holds only the tokens'
// SHA-256 digests (docs/security.md). The table is immutable once loaded;
// TokenStore swaps in a new one on reload (SIGHUP) without blocking callers.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/topology/yaml_reader.h"
#include "lightpath/result.h"

namespace lightpath::auth {

enum class Role { kViewer, kScheduler, kOperator };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// The caller as the front ends know it after authentication.
struct Identity {
  std::string name;  // the token's name; "anonymous" when no token file is configured
  Role role = Role::kViewer;
  std::string tenant;  // schedulers act for exactly this tenant
};

// Lower-case hex SHA-256 of `token`.
std::string sha256_hex(std::string_view token);

class TokenTable {
 public:
  using Diagnostics = std::vector<topology::Diagnostic>;
  // Every problem with file:line:col: unknown role, a scheduler without a
  // tenant, a digest that is not 64 hex digits, a name or digest twice.
  static Result<TokenTable, Diagnostics> parse(std::string_view yaml, const std::string& label);
  static Result<TokenTable, Diagnostics> load(const std::string& path);

  // The identity whose digest matches the presented token.
  std::optional<Identity> find(std::string_view token) const;
  std::size_t size() const { return by_digest_.size(); }

 private:
  std::map<std::string, Identity> by_digest_;
};

// The table in force, shared by the gRPC and REST front ends.
class TokenStore {
 public:
  explicit TokenStore(std::string path) : path_(std::move(path)) {}
  // Reads the file; on error the table in force (if any) stays.
  Result<std::size_t, TokenTable::Diagnostics> reload();
  std::optional<Identity> authenticate(std::string_view token) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mu_;
  std::shared_ptr<const TokenTable> table_;
};

}  // namespace lightpath::auth
