#!/bin/sh
# The report function's AWS_LAMBDA_EXEC_WRAPPER. Lambda runs it with the runtime's command line,
# node first, and it starts node with V8 flags that NODE_OPTIONS may not carry:
# --single-threaded-gc, because at the function's share of a vCPU the collector's helper threads
# compete with the main thread (`npm run bench`: the report step about a tenth faster on one core).
node="$1"
shift
exec "$node" --single-threaded-gc "$@"
