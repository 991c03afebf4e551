#pragma once
// gRPC front end: translates messages and hands them to the controller core
// on its executor. No circuit logic lives here.

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "controller/auth/access.h"
#include "controller/core/controller.h"
#include "lightpath/v1/lightpath.grpc.pb.h"

namespace lightpath::grpc_api {

// Told about every finished call, for metrics: method, status code name, seconds.
using CallObserver = std::function<void(std::string_view, std::string_view, double)>;

class CircuitService final : public v1::CircuitService::CallbackService {
 public:
  CircuitService(core::Controller& controller, Executor& executor, auth::Guard& guard,
                 CallObserver observe);

  grpc::ServerUnaryReactor* RequestCircuits(grpc::CallbackServerContext* ctx,
                                            const v1::CircuitRequest* req,
                                            v1::RequestCircuitsResponse* resp) override;
  grpc::ServerUnaryReactor* ReleaseCircuits(grpc::CallbackServerContext* ctx,
                                            const v1::ReleaseCircuitsRequest* req,
                                            v1::ReleaseCircuitsResponse* resp) override;
  grpc::ServerUnaryReactor* ExtendLease(grpc::CallbackServerContext* ctx,
                                        const v1::ExtendLeaseRequest* req,
                                        v1::ExtendLeaseResponse* resp) override;
  grpc::ServerUnaryReactor* GetCircuit(grpc::CallbackServerContext* ctx,
                                       const v1::GetCircuitRequest* req,
                                       v1::Circuit* resp) override;
  grpc::ServerUnaryReactor* ListCircuits(grpc::CallbackServerContext* ctx,
                                         const v1::ListCircuitsRequest* req,
                                         v1::ListCircuitsResponse* resp) override;
  grpc::ServerWriteReactor<v1::CircuitEvent>* WatchCircuits(
      grpc::CallbackServerContext* ctx, const v1::WatchCircuitsRequest* req) override;

 private:
  // Runs `fn` on the controller's thread; `fn` finishes the call through the
  // returned completion, which also reports it to the observer.
  using Finish = std::function<void(const grpc::Status&)>;
  grpc::ServerUnaryReactor* on_core(grpc::CallbackServerContext* ctx, std::string_view method,
                                    std::function<void(Finish)> fn);
  // Finishes a refused call at once, reporting it to the observer.
  grpc::ServerUnaryReactor* refuse(grpc::CallbackServerContext* ctx, std::string_view method,
                                   const grpc::Status& status);
  // A scheduler's call on circuits it names: each must be its tenant's.
  // Runs on the controller's thread.
  std::optional<grpc::Status> foreign(grpc::CallbackServerContext* ctx, std::string_view method,
                                      const auth::Identity& who, const std::string& request_id,
                                      const std::vector<CircuitId>& circuits);

  core::Controller& core_;
  Executor& ex_;
  auth::Guard& guard_;
  CallObserver observe_;
};

class FabricService final : public v1::FabricService::CallbackService {
 public:
  FabricService(core::Controller& controller, Executor& executor, auth::Guard& guard);

  grpc::ServerUnaryReactor* ListSwitches(grpc::CallbackServerContext* ctx,
                                         const v1::ListSwitchesRequest* req,
                                         v1::ListSwitchesResponse* resp) override;
  grpc::ServerUnaryReactor* ListPorts(grpc::CallbackServerContext* ctx,
                                      const v1::ListPortsRequest* req,
                                      v1::ListPortsResponse* resp) override;
  grpc::ServerUnaryReactor* ListAlarms(grpc::CallbackServerContext* ctx,
                                       const v1::ListAlarmsRequest* req,
                                       v1::ListAlarmsResponse* resp) override;
  grpc::ServerUnaryReactor* GetPortTelemetry(grpc::CallbackServerContext* ctx,
                                             const v1::GetPortTelemetryRequest* req,
                                             v1::GetPortTelemetryResponse* resp) override;
  grpc::ServerUnaryReactor* DrainSwitch(grpc::CallbackServerContext* ctx,
                                        const v1::DrainSwitchRequest* req,
                                        v1::DrainSwitchResponse* resp) override;
  grpc::ServerUnaryReactor* DrainPort(grpc::CallbackServerContext* ctx,
                                      const v1::DrainPortRequest* req,
                                      v1::DrainPortResponse* resp) override;

 private:
  // The reactor of a call refused by auth, finished; null when admitted.
  grpc::ServerUnaryReactor* refused(grpc::CallbackServerContext* ctx, std::string_view method,
                                    auth::Action action);
  // Both drains: checked and applied on the controller's thread, answered
  // once stored, with `set_count` given how many circuits are still there.
  grpc::ServerUnaryReactor* drain(grpc::CallbackServerContext* ctx, std::string_view method,
                                  std::string switch_name, int port, bool drained,
                                  std::function<void(std::uint32_t)> set_count);

  core::Controller& core_;
  Executor& ex_;
  auth::Guard& guard_;
};

}  // namespace lightpath::grpc_api
