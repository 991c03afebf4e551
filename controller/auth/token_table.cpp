#include "controller/auth/token_table.h"

#include <openssl/evp.h>

#include <array>
#include <set>

#include "controller/requests/request_file.h"

namespace lightpath::auth {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kScheduler:
      return "scheduler";
    case Role::kOperator:
      return "operator";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view text) {
  for (const Role r : {Role::kViewer, Role::kScheduler, Role::kOperator}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

std::string sha256_hex(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

namespace {

bool is_digest(std::string_view s) {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<TokenTable, TokenTable::Diagnostics> TokenTable::parse(std::string_view yaml,
                                                              const std::string& label) {
  topology::YamlReader r(label);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "syntax error: " + e.msg);
    return unexpected(r.take_diagnostics());
  }
  TokenTable table;
  const char* what = "token file";
  if (!r.expect_map(root, what, {"lightpath_tokens", "tokens"}))
    return unexpected(r.take_diagnostics());
  if (auto v = r.integer(root, "lightpath_tokens", what, true); v && *v != 1) {
    r.error(root["lightpath_tokens"], "lightpath_tokens: this lightpathd reads version 1");
  }
  std::set<std::string> names;
  const YAML::Node tokens = root["tokens"];
  if (r.expect_list(tokens, "tokens")) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const YAML::Node t = tokens[i];
      const std::string item = "tokens[" + std::to_string(i) + "]";
      if (!r.expect_map(t, item, {"name", "role", "tenant", "sha256"})) continue;
      const auto name = r.text(t, "name", item, true);
      const auto role_text = r.text(t, "role", item, true);
      const auto tenant = r.text(t, "tenant", item, false);
      const auto digest = r.text(t, "sha256", item, true);
      if (!name || !role_text || !digest) continue;
      const auto role = parse_role(*role_text);
      if (!role) {
        r.error(t["role"],
                item + ": unknown role '" + *role_text + "' (known: viewer, scheduler, operator)");
        continue;
      }
      if (*role == Role::kScheduler && (!tenant || tenant->empty())) {
        r.error(t, item + ": a scheduler token needs a tenant");
        continue;
      }
      if (!is_digest(*digest)) {
        r.error(t["sha256"], item +
                                 ": sha256 must be 64 lower-case hex digits (the token's "
                                 "SHA-256, e.g. from `lightpathctl token hash`)");
        continue;
      }
      if (!names.insert(*name).second) {
        r.error(t["name"], item + ": the name '" + *name + "' is used twice");
        continue;
      }
      Identity id{*name, *role, tenant.value_or("")};
      if (!table.by_digest_.emplace(*digest, std::move(id)).second) {
        r.error(t["sha256"], item + ": the same token is listed twice");
      }
    }
  }
  if (!r.ok()) return unexpected(r.take_diagnostics());
  return table;
}

Result<TokenTable, TokenTable::Diagnostics> TokenTable::load(const std::string& path) {
  auto text = requests::read_text_file(path);
  if (!text) return unexpected(std::move(text).error());
  return parse(*text, path);
}

std::optional<Identity> TokenTable::find(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  // Looked up by digest: comparing digests leaks nothing useful about a token.
  auto it = by_digest_.find(sha256_hex(token));
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
}

Result<std::size_t, TokenTable::Diagnostics> TokenStore::reload() {
  auto table = TokenTable::load(path_);
  if (!table) return unexpected(std::move(table).error());
  const std::size_t n = table->size();
  auto fresh = std::make_shared<const TokenTable>(std::move(*table));
  std::lock_guard lock(mu_);
  table_ = std::move(fresh);
  return n;
}

std::optional<Identity> TokenStore::authenticate(std::string_view token) const {
  std::shared_ptr<const TokenTable> table;
  {
    std::lock_guard lock(mu_);
    table = table_;
  }
  return table ? table->find(token) : std::nullopt;
}

}  // namespace lightpath::auth
