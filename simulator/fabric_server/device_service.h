#pragma once
// lightpath.device.v1.DeviceService over the simulated fabric: each handler
// translates the request, finds the switch named in it, does the work on the
// model's thread and answers from there. No logic of its own beyond that:
// the MEMS model decides what a batch does.

#include <grpcpp/grpcpp.h>

#include "lightpath/device/v1/device.grpc.pb.h"
#include "simulator/fabric_server/fabric_host.h"

namespace lightpath::fabric_server {

class DeviceService final : public pb::DeviceService::CallbackService {
 public:
  explicit DeviceService(FabricHost& host) : host_(host) {}

  grpc::ServerUnaryReactor* Describe(grpc::CallbackServerContext* ctx,
                                     const pb::DescribeRequest* request,
                                     pb::DeviceInfo* reply) override;
  grpc::ServerUnaryReactor* ReadCrossConnects(grpc::CallbackServerContext* ctx,
                                              const pb::ReadCrossConnectsRequest* request,
                                              pb::ReadCrossConnectsReply* reply) override;
  grpc::ServerUnaryReactor* ValidateBatch(grpc::CallbackServerContext* ctx,
                                          const pb::ValidateBatchRequest* request,
                                          pb::ValidateBatchReply* reply) override;
  grpc::ServerUnaryReactor* ApplyBatch(grpc::CallbackServerContext* ctx,
                                       const pb::ApplyBatchRequest* request,
                                       pb::ApplyBatchReply* reply) override;
  grpc::ServerWriteReactor<pb::DeviceEvent>* Subscribe(
      grpc::CallbackServerContext* ctx, const pb::SubscribeRequest* request) override;

 private:
  FabricHost& host_;
};

// The switch a request names, or the status to answer with: INVALID_ARGUMENT
// when none is named, NOT_FOUND naming the unknown one.
Result<SwitchHub*, grpc::Status> find_switch(const FabricHost& host, const std::string& id);

}  // namespace lightpath::fabric_server
