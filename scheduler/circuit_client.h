#pragma once
// The scheduler's side of lightpathd's gRPC API: ask for a job's circuits,
// wait until they are ACTIVE, release them. Every call has a deadline and
// every loop an overall one, so a caller (a Slurm prolog, a Kubernetes
// reconcile) never hangs. Calls that only failed to reach the controller are
// retried with backoff until the overall deadline: requests are idempotent by
// request_id and releases by job, so a retry never allocates twice.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lightpath/result.h"
#include "lightpath/v1/lightpath.grpc.pb.h"
#include "scheduler/backoff.h"

namespace lightpath::scheduler {

struct ClientOptions {
  std::string server = "127.0.0.1:50051";
  std::string token;   // bearer token, when lightpathd has a token file (docs/security.md)
  std::string tls_ca;  // PEM text of the CA of lightpathd's certificate; empty: plaintext
  std::chrono::milliseconds call_timeout{5000};  // one call
  BackoffOptions backoff;
};

struct WaitResult {
  bool all_active = false;
  bool timed_out = false;  // the deadline passed (rather than a circuit giving up)
  std::size_t active = 0;
  std::size_t total = 0;
  std::string why;  // when not all active: the circuit that gave up, or the time out
};

class CircuitClient {
 public:
  using Clock = std::chrono::steady_clock;

  explicit CircuitClient(ClientOptions options);

  const std::string& server() const { return options_.server; }

  // The controller's answer (accepted or not). Errors: "UNAVAILABLE" when the
  // controller could not be reached before `until`; otherwise the gRPC code's
  // name (e.g. "INVALID_ARGUMENT" for an unknown endpoint).
  Result<v1::RequestCircuitsResponse> request(const v1::CircuitRequest& request,
                                              Clock::time_point until);

  // Waits until every circuit in `ids` (all of job `job_id`) is ACTIVE, or
  // one of them can no longer get there (released, failed, preempted), or
  // `until` passes. Errors only when the controller cannot be asked.
  Result<WaitResult> wait_active(const std::string& job_id, const std::vector<std::uint64_t>& ids,
                                 Clock::time_point until);

  // Releases every live circuit of the job, whatever request (or attempt)
  // made it. Releasing a job with nothing left, or a request the controller
  // never stored, succeeds with nothing released.
  Result<std::vector<std::uint64_t>> release_job(const std::string& job_id,
                                                 const std::string& tenant,
                                                 Clock::time_point until);
  Result<std::vector<std::uint64_t>> release_request(const std::string& request_id,
                                                     const std::string& tenant,
                                                     Clock::time_point until);

  // The job's circuits not yet RELEASED.
  Result<std::vector<v1::Circuit>> list_job(const std::string& job_id, Clock::time_point until);

 private:
  void authorize(grpc::ClientContext& ctx) const;
  // Runs `call(context)` until it succeeds, fails for a reason other than
  // reaching the controller, or `until` passes.
  template <class Call>
  grpc::Status with_retry(Call call, Clock::time_point until);
  Error to_error(const grpc::Status& status) const;

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CircuitService::Stub> stub_;
};

// "NOT_FOUND", "UNAVAILABLE", ...
std::string grpc_code_name(grpc::StatusCode code);

}  // namespace lightpath::scheduler
