#pragma once
// The real stack for REST tests: the controller core over simulated MEMS
// switches paced to the clock, a temporary SQLite store, and the REST server
// on 127.0.0.1 port 0, all on one io_context thread as in lightpathd; and a
// Beast synchronous client for the test's own thread.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "controller/core/controller.h"
#include "controller/rest/rest_server.h"
#include "controller/runtime/asio_executor.h"
#include "controller/store/sqlite_store.h"
#include "controller/topology/topology_loader.h"
#include "lightpath/driver_set.h"

namespace lightpath::rest::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Reply = beast::http::response<beast::http::string_body>;

// A bound for waits on the server thread, so a bug fails a test instead of
// hanging it; no test asserts on how long anything takes.
constexpr auto kPatience = std::chrono::seconds(10);

class Stack {
 public:
  explicit Stack(RestOptions options = {}) {
    auto fabric = topology::load_topology_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
    REQUIRE(fabric);
    fabric_ = std::make_unique<Fabric>(std::move(*fabric));
    db_ = std::filesystem::temp_directory_path() / ("lightpath-rest-" + std::to_string(::getpid()) +
                                                    "-" + std::to_string(next_db_++) + ".db");
    auto store = store::SqliteStore::open(db_.string(), {/*durable=*/false});
    REQUIRE(store);
    store_ = std::move(*store);
    drivers_ = southbound::make_simulated_drivers(*fabric_, executor_, {});
    controller_ =
        std::make_unique<core::Controller>(*fabric_, executor_, drivers_->drivers(), *store_);
    // Nothing runs `io_` yet, so this thread is the controller's thread here.
    REQUIRE(controller_->start());
    server_ = std::make_unique<RestServer>(io_, *controller_, metrics_, options);
    auto port = server_->start();
    REQUIRE(port);
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Stack() {
    std::promise<void> stopped;
    asio::post(io_, [&] {
      server_->stop();
      stopped.set_value();
    });
    stopped.get_future().wait_for(kPatience);
    work_.reset();
    io_.stop();
    thread_.join();
    server_.reset();
    controller_.reset();
    drivers_.reset();
    store_.reset();
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(db_.string() + suffix, ignored);
  }

  std::uint16_t port() const { return port_; }
  Metrics& metrics() { return metrics_; }

  // Runs `fn` on the controller's thread and waits for it.
  template <class F>
  auto on_io(F fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    REQUIRE(result.wait_for(kPatience) == std::future_status::ready);
    return result.get();
  }

  bool server_listening() const { return server_ && server_->listening(); }
  void stop_server() {
    on_io([this] {
      server_->stop();
      return 0;
    });
  }

  // Asks the controller for one rack1 -> rack2 circuit; returns its id.
  CircuitId request_circuit(const std::string& request_id, const std::string& tenant) {
    solver::CircuitRequest r;
    r.request_id = request_id;
    r.job_id = "job-" + request_id;
    r.tenant = tenant;
    r.bandwidth_per_flow = DataRate::gbps(100);
    r.sources = {{"rack1", "gpu-nic"}};
    r.destinations = {{"rack2", "gpu-nic"}};
    std::promise<core::ApiResult<core::RequestAnswer>> answer;
    on_io([&] {
      controller_->request_circuits(
          r, [&answer](core::ApiResult<core::RequestAnswer> a) { answer.set_value(std::move(a)); });
      return 0;
    });
    auto f = answer.get_future();
    REQUIRE(f.wait_for(kPatience) == std::future_status::ready);
    auto a = f.get();
    REQUIRE(a);
    REQUIRE(a->record.accepted);
    REQUIRE(a->circuits.size() == 1);
    return a->circuits[0].circuit.id;
  }

 private:
  static inline int next_db_ = 0;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  runtime::AsioExecutor executor_{io_};
  std::unique_ptr<Fabric> fabric_;
  std::filesystem::path db_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<southbound::DriverSet> drivers_;
  std::unique_ptr<core::Controller> controller_;
  Metrics metrics_;
  std::unique_ptr<RestServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// One client connection, kept alive across requests.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  Reply send(beast::http::verb verb, const std::string& target, unsigned version = 11) {
    beast::http::request<beast::http::string_body> req{verb, target, version};
    req.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(socket_, req);
    return read();
  }
  Reply get(const std::string& target) { return send(beast::http::verb::get, target); }

  // Bytes as they are, for requests Beast's writer would never produce.
  Reply raw(const std::string& bytes) {
    asio::write(socket_, asio::buffer(bytes));
    return read();
  }

  Reply read() {
    Reply res;
    beast::http::read(socket_, buffer_, res);
    return res;
  }

  // True when the server has closed its end.
  bool closed_by_server() {
    beast::error_code ec;
    char c;
    socket_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

inline nlohmann::json body(const Reply& r) {
  return nlohmann::json::parse(r.body());
}

// The error body every refusal carries.
inline void check_error(const Reply& r, unsigned status, const std::string& code,
                        const std::string& field = {}) {
  CHECK(r.result_int() == status);
  CHECK(r[beast::http::field::content_type] == "application/json");
  const auto j = body(r);
  REQUIRE(j.contains("error"));
  CHECK(j["error"]["code"] == code);
  CHECK(!j["error"]["message"].get<std::string>().empty());
  if (!field.empty()) {
    CHECK(j["error"]["field"] == field);
    CHECK(j["error"]["message"].get<std::string>().find(field) != std::string::npos);
  }
}

}  // namespace lightpath::rest::testing
