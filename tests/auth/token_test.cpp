// Token files: digests, roles, tenants, and every mistake named with its line.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "controller/auth/token_table.h"

using namespace lightpath::auth;

namespace {

std::string file_with(const std::string& entries) {
  return "lightpath_tokens: 1\ntokens:\n" + entries;
}

std::string all_messages(const TokenTable::Diagnostics& d) {
  std::string out;
  for (const auto& x : d) out += x.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("sha256_hex is the standard digest") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a token finds its identity by digest, and others find nothing") {
  const std::string yaml = file_with(
      "  - {name: slurm-a, role: scheduler, tenant: vision, sha256: " + sha256_hex("s3cret-a") +
      "}\n  - {name: ops, role: operator, sha256: " + sha256_hex("s3cret-ops") + "}\n");
  auto t = TokenTable::parse(yaml, "tokens.yaml");
  REQUIRE_MESSAGE(t, all_messages(t.error()));
  CHECK(t->size() == 2);
  auto a = t->find("s3cret-a");
  REQUIRE(a);
  CHECK(a->name == "slurm-a");
  CHECK(a->role == Role::kScheduler);
  CHECK(a->tenant == "vision");
  CHECK(t->find("s3cret-ops")->role == Role::kOperator);
  CHECK_FALSE(t->find("s3cret-b"));
  CHECK_FALSE(t->find(""));
  // The file holds digests, never the tokens: the digest itself is no token.
  CHECK_FALSE(t->find(sha256_hex("s3cret-a")));
}

TEST_CASE("token file mistakes are named with file and line") {
  const std::string good = sha256_hex("x");
  struct Case {
    std::string yaml;
    std::string want;
  };
  const Case cases[] = {
      {file_with("  - {name: a, role: admin, sha256: " + good + "}\n"), "tokens.yaml:3:"},
      {file_with("  - {name: a, role: admin, sha256: " + good + "}\n"), "unknown role 'admin'"},
      {file_with("  - {name: a, role: scheduler, sha256: " + good + "}\n"), "needs a tenant"},
      {file_with("  - {name: a, role: viewer, sha256: abc}\n"), "64 lower-case hex"},
      {file_with("  - {name: a, role: viewer, sha256: " + good +
                 "}\n  - {name: a, role: viewer, sha256: " + sha256_hex("y") + "}\n"),
       "used twice"},
      {file_with("  - {name: a, role: viewer, sha256: " + good +
                 "}\n  - {name: b, role: viewer, sha256: " + good + "}\n"),
       "listed twice"},
      {file_with("  - {name: a, role: viewer}\n"), "sha256"},
      {"lightpath_tokens: 2\ntokens: []\n", "version 1"},
      {"tokens: [\n", "syntax error"},
      {file_with("  - {name: a, role: viewer, sha256: " + good + ", password: x}\n"), "password"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml);
    auto t = TokenTable::parse(c.yaml, "tokens.yaml");
    REQUIRE_FALSE(t);
    CHECK(all_messages(t.error()).find(c.want) != std::string::npos);
  }
}

TEST_CASE("a store keeps its table when a reload fails") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("lightpath-tokens-" + std::to_string(::getpid()) + ".yaml");
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write(file_with("  - {name: ops, role: operator, sha256: " + sha256_hex("one") + "}\n"));
  TokenStore store(path.string());
  REQUIRE(store.reload());
  CHECK(store.authenticate("one"));
  write("tokens: [\n");
  CHECK_FALSE(store.reload());
  CHECK(store.authenticate("one"));  // still the old table
  write(file_with("  - {name: ops, role: operator, sha256: " + sha256_hex("two") + "}\n"));
  REQUIRE(store.reload());
  CHECK_FALSE(store.authenticate("one"));  // revoked
  CHECK(store.authenticate("two"));
  std::filesystem::remove(path);
}
