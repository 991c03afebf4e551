#!/usr/bin/python3
"""What a job scheduler written in Python does with lightpathd, start to end.

For one job placed on some racks: ask whether its circuits would fit now
(validate_only), ask for them, follow the watch stream until every circuit is
ACTIVE, hold them, then release them. Uses only Debian's python3-grpcio and
python3-protobuf, and stubs generated from proto/lightpath/v1/lightpath.proto:

  protoc -I proto --python_out=OUT --grpc_out=OUT \\
         --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \\
         proto/lightpath/v1/lightpath.proto
  PYTHONPATH=OUT examples/python/job_circuits.py --server 127.0.0.1:50051 \\
         --job job-7 --racks rack1,rack2,rack3,rack4 --gbps 200 --pattern ring

Exit codes: 0 done; 1 the request does not fit (refused); 2 a call failed;
3 the circuits did not all become ACTIVE in time.
"""

import argparse
import sys
import time

import grpc

from lightpath.v1 import lightpath_pb2 as pb
from lightpath.v1 import lightpath_pb2_grpc as rpc

PATTERNS = {"pairwise": pb.PAIRWISE, "ring": pb.RING, "all_to_all": pb.ALL_TO_ALL}
GIVE_UP = {pb.FAILED, pb.PREEMPTED, pb.RELEASING, pb.RELEASED}


def job_request(args, validate_only):
    racks = args.racks.split(",")
    req = pb.CircuitRequest(
        request_id=f"{args.job}-circuits",
        job_id=args.job,
        tenant=args.tenant,
        priority=args.priority,
        duration_seconds=args.lease,
        bandwidth_per_flow_gbps=args.gbps,
        pattern=PATTERNS[args.pattern],
        validate_only=validate_only,
    )
    if args.pattern == "pairwise":  # racks in pairs: first half to second half
        half = len(racks) // 2
        sources, destinations = racks[:half], racks[half:]
    else:  # a ring or an all-to-all over one set of endpoints
        sources, destinations = racks, []
    for r in sources:
        req.sources.add(rack=r, port_group=args.port_group)
    for r in destinations:
        req.destinations.add(rack=r, port_group=args.port_group)
    return req


def describe(c):
    path = " > ".join(f"{h.switch_name}[{h.in_port}>{h.out_port}]" for h in c.hops)
    waves = ",".join(str(w) for w in c.wavelengths)
    return (f"  circuit {c.id}: {c.a_port} - {c.b_port} via {path}, "
            f"wavelengths {waves}, {pb.CircuitState.Name(c.state)}")


def wait_active(stub, args, ids, metadata):
    """Follows the job's circuits until every one in `ids` is ACTIVE.

    List, then watch from the list's sequence: the watch brings every change
    after the list, so none falls between the two.
    """
    listed = stub.ListCircuits(pb.ListCircuitsRequest(job_id=args.job), timeout=10,
                               metadata=metadata)
    state = {}

    def seen(c):  # True when done, False when given up, None to go on
        if c.id not in ids:
            return None
        state[c.id] = c.state
        if c.state in GIVE_UP:
            print(f"circuit {c.id} is {pb.CircuitState.Name(c.state)}: {c.state_reason}",
                  file=sys.stderr)
            return False
        return True if all(state.get(i) == pb.ACTIVE for i in ids) else None

    for c in listed.circuits:
        if (done := seen(c)) is not None:
            return done
    watch = pb.WatchCircuitsRequest(job_id=args.job, after_sequence=listed.sequence)
    stream = stub.WatchCircuits(watch, timeout=args.wait, metadata=metadata)
    try:
        for event in stream:
            if (done := seen(event.circuit)) is not None:
                return done
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
            raise
    finally:
        stream.cancel()
    active = sum(1 for i in ids if state.get(i) == pb.ACTIVE)
    print(f"{active} of {len(ids)} circuit(s) ACTIVE after {args.wait} s", file=sys.stderr)
    return False


def run(args):
    metadata = [("authorization", f"Bearer {args.token}")] if args.token else []
    with grpc.insecure_channel(args.server) as channel:
        stub = rpc.CircuitServiceStub(channel)

        dry = stub.RequestCircuits(job_request(args, True), timeout=10, metadata=metadata)
        if not dry.accepted:
            print(f"would not fit: {dry.reason}: {dry.message}")
            return 1
        print(f"would fit: {len(dry.circuits)} circuit(s)"
              + (f", preempting {list(dry.preempted_circuit_ids)}"
                 if dry.preempted_circuit_ids else ""))

        answer = stub.RequestCircuits(job_request(args, False), timeout=10, metadata=metadata)
        if not answer.accepted:  # the fabric changed since the dry run
            print(f"refused: {answer.reason}: {answer.message}")
            return 1
        ids = {c.id for c in answer.circuits}
        print(f"accepted: circuit(s) {sorted(ids)}")
        started = time.monotonic()
        if not wait_active(stub, args, ids, metadata):
            return 3
        print(f"all ACTIVE after {time.monotonic() - started:.2f} s")
        listed = stub.ListCircuits(pb.ListCircuitsRequest(job_id=args.job), timeout=10,
                                   metadata=metadata)
        for c in sorted(listed.circuits, key=lambda c: c.id):
            print(describe(c))

        time.sleep(args.hold)
        released = stub.ReleaseCircuits(
            pb.ReleaseCircuitsRequest(tenant=args.tenant, request_id=f"{args.job}-circuits"),
            timeout=10, metadata=metadata)
        print(f"released: circuit(s) {sorted(released.released_circuit_ids)}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", default="127.0.0.1:50051", help="lightpathd's gRPC address")
    p.add_argument("--token", default="", help="bearer token (docs/security.md)")
    p.add_argument("--job", required=True, help="job id; the request id is JOB-circuits")
    p.add_argument("--tenant", default="")
    p.add_argument("--racks", required=True, help="comma-separated endpoint names")
    p.add_argument("--port-group", default="gpu-nic")
    p.add_argument("--pattern", choices=sorted(PATTERNS), default="ring")
    p.add_argument("--gbps", type=float, default=200, help="bandwidth per flow")
    p.add_argument("--priority", type=int, default=0)
    p.add_argument("--lease", type=int, default=3600, help="seconds; 0: until released")
    p.add_argument("--wait", type=float, default=30, help="seconds to wait for ACTIVE")
    p.add_argument("--hold", type=float, default=0, help="seconds to hold before releasing")
    args = p.parse_args()
    try:
        return run(args)
    except grpc.RpcError as e:
        print(f"{e.code().name}: {e.details()}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
