// The southbound contract (tests/simulator/southbound_contract.h), run
// against the gRPC driver talking to a real lightpath-fabric process over
// 127.0.0.1: the same suite the in-process simulated driver passes.
#include "../simulator/southbound_contract.h"
#include "driver_fixture.h"

namespace {
using GrpcFixture = lightpath::testing::GrpcDriverFixture;
}  // namespace

TEST_CASE_TEMPLATE_INVOKE(southbound_contract, GrpcFixture);
