#pragma once
// lightpath.device.v1.FabricAdminService: fault injection and change
// counters of lightpath-fabric, for operators (`lightpathctl fabric`) and
// integration tests. A real device has no such service.

#include <grpcpp/grpcpp.h>

#include "lightpath/device/v1/device.grpc.pb.h"
#include "simulator/fabric_server/fabric_host.h"

namespace lightpath::fabric_server {

class AdminService final : public pb::FabricAdminService::CallbackService {
 public:
  explicit AdminService(FabricHost& host) : host_(host) {}

  grpc::ServerUnaryReactor* InjectFault(grpc::CallbackServerContext* ctx,
                                        const pb::FaultRequest* request,
                                        pb::FaultReply* reply) override;
  grpc::ServerUnaryReactor* ClearFault(grpc::CallbackServerContext* ctx,
                                       const pb::FaultRequest* request,
                                       pb::FaultReply* reply) override;
  grpc::ServerUnaryReactor* ClearAll(grpc::CallbackServerContext* ctx,
                                     const pb::ClearAllRequest* request,
                                     pb::ClearAllReply* reply) override;
  grpc::ServerUnaryReactor* ListFaults(grpc::CallbackServerContext* ctx,
                                       const pb::ListFaultsRequest* request,
                                       pb::ListFaultsReply* reply) override;
  grpc::ServerUnaryReactor* ChangeCounters(grpc::CallbackServerContext* ctx,
                                           const pb::ChangeCountersRequest* request,
                                           pb::ChangeCountersReply* reply) override;

 private:
  grpc::ServerUnaryReactor* fault(grpc::CallbackServerContext* ctx, const pb::FaultRequest* request,
                                  pb::FaultReply* reply, bool recover);
  // The hubs a request names: one, or every one for an empty switch_id.
  Result<std::vector<SwitchHub*>, grpc::Status> select(const std::string& switch_id) const;

  FabricHost& host_;
};

}  // namespace lightpath::fabric_server
