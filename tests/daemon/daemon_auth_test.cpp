// Who may do what, over the real lightpathd's gRPC and HTTP, with and
// without TLS: tokens and roles, tenants kept apart, the audit log, token
// reload on SIGHUP, rate and circuit limits, and loopback-only without tokens.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sstream>

#include "daemon/daemon_process.h"

using namespace lightpath;
using namespace lightpath::testing;

namespace {

const std::string kTiny = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tiny.yaml";
constexpr const char* kVisionToken = "tok-vision-scheduler";
constexpr const char* kSpeechToken = "tok-speech-scheduler";
constexpr const char* kViewerToken = "tok-viewer";
constexpr const char* kOperatorToken = "tok-operator";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_tokens(const std::string& path, bool with_viewer) {
  std::ofstream f(path);
  f << "lightpath_tokens: 1\ntokens:\n"
    << "  - {name: slurm-vision, role: scheduler, tenant: vision, sha256: " << sha256(kVisionToken)
    << "}\n  - {name: slurm-speech, role: scheduler, tenant: speech, sha256: "
    << sha256(kSpeechToken)
    << "}\n  - {name: noc, role: operator, sha256: " << sha256(kOperatorToken) << "}\n";
  if (with_viewer)
    f << "  - {name: grafana, role: viewer, sha256: " << sha256(kViewerToken) << "}\n";
}

// A throwaway CA and a server certificate for 127.0.0.1, made with openssl.
void make_certificates(const TempDir& dir) {
  const std::string d = dir.file("");
  const std::string cmd =
      "cd '" + d +
      "' && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
      "-subj /CN=lightpath-test-ca 2>/dev/null && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj /CN=127.0.0.1 2>/dev/null && "
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 1 -extfile san.ext 2>/dev/null";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make the test certificates");
}

std::unique_ptr<grpc::ClientContext> as(const char* token) {
  auto c = ctx();
  if (token != nullptr) c->AddMetadata("authorization", std::string("Bearer ") + token);
  return c;
}

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string www_authenticate;
};

HttpAnswer http_call(int port, const std::string& ca_pem, boost::beast::http::verb verb,
                     const std::string& target, const char* token) {
  namespace beast = boost::beast;
  namespace ssl = boost::asio::ssl;
  boost::asio::io_context io;
  beast::http::request<beast::http::empty_body> req{verb, target, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  if (token != nullptr) req.set(beast::http::field::authorization, std::string("Bearer ") + token);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  const boost::asio::ip::tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"),
                                          static_cast<unsigned short>(port));
  if (ca_pem.empty()) {
    boost::asio::ip::tcp::socket sock(io);
    sock.connect(at);
    beast::http::write(sock, req);
    beast::http::read(sock, buf, res);
  } else {
    ssl::context tls(ssl::context::tls_client);
    tls.add_certificate_authority(boost::asio::buffer(ca_pem));
    tls.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    beast::get_lowest_layer(stream).connect(at);
    stream.handshake(ssl::stream_base::client);
    beast::http::write(stream, req);
    beast::http::read(stream, buf, res);
  }
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res[beast::http::field::www_authenticate])};
}

struct Secured {
  TempDir dir;
  std::string ca;
  std::unique_ptr<DaemonProcess> d;

  explicit Secured(bool tls, std::vector<std::string> extra = {}) {
    write_tokens(dir.file("tokens.yaml"), true);
    std::vector<std::string> args{"--no-fsync", "--auth-tokens", dir.file("tokens.yaml"),
                                  "--audit-log", dir.file("audit.jsonl")};
    if (tls) {
      make_certificates(dir);
      ca = slurp(dir.file("ca.pem"));
      args.insert(args.end(),
                  {"--tls-cert", dir.file("server.pem"), "--tls-key", dir.file("server.key")});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    d = std::make_unique<DaemonProcess>(kTiny, dir.file("state.db"), dir.file(""), args);
    if (tls) d->use_tls(ca);
  }

  grpc::Status request(const char* token, const v1::CircuitRequest& r,
                       v1::RequestCircuitsResponse* out = nullptr) {
    v1::RequestCircuitsResponse resp;
    return d->circuits().RequestCircuits(as(token).get(), r, out ? out : &resp);
  }
  HttpAnswer http(boost::beast::http::verb verb, const std::string& target, const char* token) {
    return http_call(d->http_port(), ca, verb, target, token);
  }
};

}  // namespace

TEST_CASE("roles and tenants over gRPC and HTTP, with and without TLS") {
  for (const bool tls : {false, true}) {
    CAPTURE(tls);
    Secured s(tls);
    using grpc::StatusCode;
    namespace http = boost::beast::http;
    const auto r = pair_request("vision-1", "rack1", "rack2", 100);

    // Unauthenticated: no token, or one the file does not know.
    CHECK(s.request(nullptr, r).error_code() == StatusCode::UNAUTHENTICATED);
    CHECK(s.request("tok-nobody", r).error_code() == StatusCode::UNAUTHENTICATED);
    // A scheduler works for its own tenant only.
    auto other = r;
    other.set_tenant("speech");
    const auto denied = s.request(kVisionToken, other);
    CHECK(denied.error_code() == StatusCode::PERMISSION_DENIED);
    CHECK(denied.error_message().find("'vision', not 'speech'") != std::string::npos);
    CHECK(s.request(kViewerToken, r).error_code() == StatusCode::PERMISSION_DENIED);
    v1::RequestCircuitsResponse made;
    REQUIRE(s.request(kVisionToken, r, &made).ok());
    REQUIRE(made.circuits_size() == 1);
    CHECK(made.circuits(0).tenant() == "vision");  // filled in from the token
    const std::uint64_t id = made.circuits(0).id();

    // Another tenant's scheduler can neither see nor release it.
    v1::GetCircuitRequest get;
    get.set_id(id);
    v1::Circuit c;
    CHECK(s.d->circuits().GetCircuit(as(kSpeechToken).get(), get, &c).error_code() ==
          StatusCode::PERMISSION_DENIED);
    v1::ListCircuitsResponse listed;
    REQUIRE(s.d->circuits().ListCircuits(as(kSpeechToken).get(), {}, &listed).ok());
    CHECK(listed.circuits_size() == 0);
    v1::ReleaseCircuitsRequest rel;
    rel.set_request_id("vision-1");
    v1::ReleaseCircuitsResponse released;
    CHECK(s.d->circuits().ReleaseCircuits(as(kSpeechToken).get(), rel, &released).error_code() ==
          StatusCode::PERMISSION_DENIED);
    v1::ExtendLeaseRequest ext;
    ext.set_request_id("vision-1");
    ext.set_duration_seconds(60);
    v1::ExtendLeaseResponse extended;
    CHECK(s.d->circuits().ExtendLease(as(kSpeechToken).get(), ext, &extended).error_code() ==
          StatusCode::PERMISSION_DENIED);
    // Its owner and the viewer see it; a scheduler sees nothing of the fabric.
    CHECK(s.d->circuits().GetCircuit(as(kVisionToken).get(), get, &c).ok());
    REQUIRE(s.d->circuits().ListCircuits(as(kViewerToken).get(), {}, &listed).ok());
    CHECK(listed.circuits_size() == 1);
    v1::ListSwitchesResponse sw;
    CHECK(s.d->fabric().ListSwitches(as(kVisionToken).get(), {}, &sw).error_code() ==
          StatusCode::PERMISSION_DENIED);
    CHECK(s.d->fabric().ListSwitches(as(kViewerToken).get(), {}, &sw).ok());
    // A watch by another tenant's scheduler replays none of it.
    {
      v1::WatchCircuitsRequest w;
      w.set_replay(true);
      auto wctx = as(kSpeechToken);
      wctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
      auto reader = s.d->circuits().WatchCircuits(wctx.get(), w);
      v1::CircuitEvent e;
      CHECK_FALSE(reader->Read(&e));
      reader->Finish();
    }

    // Draining is the operator's.
    v1::DrainSwitchRequest drain;
    drain.set_switch_name("ocs1");
    drain.set_drained(true);
    v1::DrainSwitchResponse drained;
    CHECK(s.d->fabric().DrainSwitch(as(kViewerToken).get(), drain, &drained).error_code() ==
          StatusCode::PERMISSION_DENIED);
    REQUIRE(s.d->fabric().DrainSwitch(as(kOperatorToken).get(), drain, &drained).ok());
    CHECK(drained.circuits_on_switch() == 1);
    v1::RequestCircuitsResponse refused;
    REQUIRE(
        s.request(kVisionToken, pair_request("vision-2", "rack3", "rack4", 100), &refused).ok());
    CHECK_FALSE(refused.accepted());  // no switch in service
    drain.set_drained(false);
    REQUIRE(s.d->fabric().DrainSwitch(as(kOperatorToken).get(), drain, &drained).ok());

    // HTTP: the same rules, 401/403, /healthz open.
    const std::string one = "/v1/circuits/" + std::to_string(id);
    auto h = s.http(http::verb::get, "/v1/circuits", nullptr);
    CHECK(h.status == 401);
    CHECK(h.www_authenticate.find("Bearer") == 0);
    CHECK(h.body.find("UNAUTHENTICATED") != std::string::npos);
    CHECK(s.http(http::verb::get, "/healthz", nullptr).status == 200);
    // The web view's page holds no data: it is open, and asks the API for a token.
    CHECK(s.http(http::verb::get, "/ui/", nullptr).status == 200);
    CHECK(s.http(http::verb::get, "/ui/app.js", nullptr).status == 200);
    CHECK(s.http(http::verb::get, "/v1/circuits", kViewerToken).status == 200);
    CHECK(s.http(http::verb::get, one, kSpeechToken).status == 403);
    CHECK(s.http(http::verb::delete_, one, kSpeechToken).status == 403);
    CHECK(s.http(http::verb::delete_, one, kViewerToken).status == 403);
    CHECK(s.http(http::verb::get, "/metrics", kViewerToken).status == 200);
    CHECK(s.http(http::verb::get, "/metrics", kVisionToken).status == 403);
    CHECK(s.http(http::verb::post, "/v1/switches/ocs1/drain", kViewerToken).status == 403);
    // The operator force-releases another tenant's circuit.
    const auto forced = s.http(http::verb::delete_, one, kOperatorToken);
    CHECK(forced.status == 200);
    CHECK(forced.body.find("\"released\":[" + std::to_string(id) + "]") != std::string::npos);

    // Every refusal is in the audit log with who asked.
    const std::string audit = slurp(s.dir.file("audit.jsonl"));
    CHECK(audit.find("\"outcome\":\"unauthenticated\"") != std::string::npos);
    CHECK(audit.find("\"identity\":\"slurm-speech\"") != std::string::npos);
    CHECK(audit.find("\"outcome\":\"forbidden\"") != std::string::npos);
    CHECK(audit.find("\"call\":\"DELETE /v1/circuits/{id}\"") != std::string::npos);
    CHECK(audit.find("\"identity\":\"noc\"") != std::string::npos);
  }
}

TEST_CASE("plain clients cannot talk to a TLS daemon") {
  Secured s(true);
  s.d->use_tls("");  // back to plaintext on the client side
  v1::ListSwitchesResponse sw;
  CHECK_FALSE(s.d->fabric().ListSwitches(as(kViewerToken).get(), {}, &sw).ok());
}

TEST_CASE("SIGHUP reloads the token file: a removed token stops working") {
  Secured s(false);
  v1::ListSwitchesResponse sw;
  REQUIRE(s.d->fabric().ListSwitches(as(kViewerToken).get(), {}, &sw).ok());
  write_tokens(s.dir.file("tokens.yaml"), false);
  ::kill(s.d->pid(), SIGHUP);
  bool revoked = false;
  for (int i = 0; i < 100 && !revoked; ++i) {
    revoked = s.d->fabric().ListSwitches(as(kViewerToken).get(), {}, &sw).error_code() ==
              grpc::StatusCode::UNAUTHENTICATED;
    if (!revoked) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(revoked);
  CHECK(s.d->fabric().ListSwitches(as(kOperatorToken).get(), {}, &sw).ok());
  // A broken file keeps the tokens in force.
  std::ofstream(s.dir.file("tokens.yaml")) << "tokens: [\n";
  ::kill(s.d->pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(s.d->fabric().ListSwitches(as(kOperatorToken).get(), {}, &sw).ok());
}

TEST_CASE("limits: request rate and circuits per tenant, named in the refusal") {
  TempDir cfg;
  std::ofstream(cfg.file("limits.yaml")) << "requests_per_second_per_tenant: 0.01\n"
                                         << "request_burst: 2\nmax_circuits_per_tenant: 1\n";
  Secured s(false, {"--config", cfg.file("limits.yaml")});
  v1::RequestCircuitsResponse resp;
  REQUIRE(s.request(kVisionToken, pair_request("v-1", "rack1", "rack2", 100), &resp).ok());
  REQUIRE(resp.accepted());
  const auto over = s.request(kVisionToken, pair_request("v-2", "rack3", "rack4", 100));
  CHECK(over.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(over.error_message().find("max_circuits_per_tenant") != std::string::npos);
  const auto fast = s.request(kVisionToken, pair_request("v-3", "rack3", "rack4", 100));
  CHECK(fast.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(fast.error_message().find("requests_per_second_per_tenant") != std::string::npos);
  // Another tenant has its own bucket; HTTP answers 429.
  CHECK(s.request(kSpeechToken, pair_request("s-1", "rack3", "rack4", 100)).ok());
  CHECK(s.request(kSpeechToken, pair_request("s-2", "rack3", "rack4", 100)).error_code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);
  const auto h = s.http(boost::beast::http::verb::delete_, "/v1/circuits/1", kVisionToken);
  CHECK(h.status == 429);
  CHECK(h.body.find("RESOURCE_EXHAUSTED") != std::string::npos);
}
