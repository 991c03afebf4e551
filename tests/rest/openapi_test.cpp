// docs/openapi.yaml describes exactly the routes the router serves, with the
// methods it allows, so the document cannot drift from the code unnoticed.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>

#include "controller/rest/rest_json.h"

namespace lightpath::rest {

TEST_CASE("the OpenAPI document lists every route and method the router serves") {
  const YAML::Node doc = YAML::LoadFile(LIGHTPATH_SOURCE_DIR "/docs/openapi.yaml");
  CHECK(doc["openapi"].as<std::string>().rfind("3.0", 0) == 0);
  // The router's table (rest_routes.cpp, match() and allows()).
  const std::map<std::string, std::set<std::string>> served{
      {"/healthz", {"get"}},
      {"/metrics", {"get"}},
      {"/v1/circuits", {"get"}},
      {"/v1/circuits/{id}", {"get", "delete"}},
      {"/v1/switches", {"get"}},
      {"/v1/switches/{name}/ports", {"get"}},
      {"/v1/switches/{name}/ports/{port}/telemetry", {"get"}},
      {"/v1/alarms", {"get"}},
      {"/v1/switches/{name}/drain", {"post", "delete"}},
      {"/v1/switches/{name}/ports/{port}/drain", {"post", "delete"}},
      {"/", {"get"}},
      {"/ui", {"get"}},
      {"/ui/{file}", {"get"}},
  };
  std::map<std::string, std::set<std::string>> documented;
  for (const auto& path : doc["paths"]) {
    auto& methods = documented[path.first.as<std::string>()];
    for (const auto& item : path.second) {
      const auto key = item.first.as<std::string>();
      if (key != "parameters" && key != "summary" && key != "description") methods.insert(key);
    }
  }
  CHECK(documented == served);
  for (const auto* code : {"INVALID_ARGUMENT", "MALFORMED_REQUEST", "NOT_FOUND",
                           "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "HEADERS_TOO_LARGE",
                           "UNAUTHENTICATED", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED"}) {
    bool listed = false;
    for (const auto& c :
         doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"])
      listed |= c.as<std::string>() == code;
    CHECK_MESSAGE(listed, code);
  }
}

TEST_CASE("the OpenAPI document lists the circuit list's query parameters and page fields") {
  const YAML::Node doc = YAML::LoadFile(LIGHTPATH_SOURCE_DIR "/docs/openapi.yaml");
  const YAML::Node get = doc["paths"]["/v1/circuits"]["get"];
  std::set<std::string> documented;
  for (const auto& p : get["parameters"]) {
    const auto name = p["name"].as<std::string>();
    documented.insert(name);
    // The router takes it (a bad value may still be refused, but not as unknown).
    auto parsed = parse_circuit_filter({{name, ""}});
    CHECK_MESSAGE((parsed || parsed.error().message.rfind("unknown query parameter", 0) != 0),
                  name);
  }
  CHECK(documented ==
        std::set<std::string>{"job", "tenant", "state", "switch", "endpoint", "limit", "after"});
  const YAML::Node body =
      get["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
  for (const char* field : {"circuits", "total", "next_after"}) CHECK_MESSAGE(body[field], field);
}

}  // namespace lightpath::rest
