#pragma once
// gRPC front end: translates messages and hands them to the controller core
// on its executor. No circuit logic lives here.

#include <functional>
#include <string_view>

#include "controller/core/controller.h"
#include "lightpath/v1/lightpath.grpc.pb.h"

namespace lightpath::grpc_api {

// Told about every finished call, for metrics: method, status code name, seconds.
using CallObserver = std::function<void(std::string_view, std::string_view, double)>;

class CircuitService final : public v1::CircuitService::CallbackService {
 public:
  CircuitService(core::Controller& controller, Executor& executor, CallObserver observe);

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
                                       const v1::GetCircuitRequest* req, v1::Circuit* resp) override;
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

  core::Controller& core_;
  Executor& ex_;
  CallObserver observe_;
};

class FabricService final : public v1::FabricService::CallbackService {
 public:
  FabricService(core::Controller& controller, Executor& executor);

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

 private:
  core::Controller& core_;
  Executor& ex_;
};

}  // namespace lightpath::grpc_api
