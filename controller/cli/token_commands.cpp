#include "controller/cli/token_commands.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <array>
#include <iostream>
#include <memory>

#include "controller/auth/token_table.h"

namespace lightpath::cli {
namespace {

struct TokenOptions {
  std::string name;
  std::string role;
  std::string tenant;
  std::string token;
};

int run_new(const TokenOptions& o) {
  const auto role = auth::parse_role(o.role);
  if (!role) {
    std::cerr << "lightpathctl: --role must be viewer, scheduler or operator\n";
    return 1;
  }
  if (*role == auth::Role::kScheduler && o.tenant.empty()) {
    std::cerr << "lightpathctl: a scheduler token needs --tenant\n";
    return 1;
  }
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    std::cerr << "lightpathctl: no randomness available for a token\n";
    return 1;
  }
  std::string token = "lp_";
  for (const unsigned char b : bytes) token += fmt::format("{:02x}", b);
  std::cout << "token (give it to the caller; it is not stored anywhere):\n  " << token << "\n"
            << "token file entry (lightpathd keeps only the digest):\n"
            << fmt::format("  - {{name: {}, role: {}{}, sha256: {}}}\n", o.name, o.role,
                           o.tenant.empty() ? "" : ", tenant: " + o.tenant,
                           auth::sha256_hex(token));
  return 0;
}

int run_hash(TokenOptions o) {
  if (o.token.empty() && !std::getline(std::cin, o.token)) {
    std::cerr << "lightpathctl: give the token as an argument or on standard input\n";
    return 1;
  }
  std::cout << auth::sha256_hex(o.token) << "\n";
  return 0;
}

}  // namespace

void add_token_commands(CLI::App& app, int& exit_code) {
  auto* token = app.add_subcommand("token", "Make bearer tokens for lightpathd's token file");
  token->require_subcommand(1);
  auto o = std::make_shared<TokenOptions>();
  auto* make = token->add_subcommand("new", "A fresh random token and its token file entry");
  make->add_option("--name", o->name, "Who the token is for (shown in the audit log)")->required();
  make->add_option("--role", o->role, "viewer, scheduler or operator")->required();
  make->add_option("--tenant", o->tenant, "The tenant a scheduler acts for");
  make->callback([o, &exit_code] { exit_code = run_new(*o); });
  auto h = std::make_shared<TokenOptions>();
  auto* hash =
      token->add_subcommand("hash", "The SHA-256 digest of a token (or of stdin's first line)");
  hash->add_option("token", h->token, "The token");
  hash->callback([h, &exit_code] { exit_code = run_hash(*h); });
}

}  // namespace lightpath::cli
