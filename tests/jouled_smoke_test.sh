#!/usr/bin/env bash
# Smoke test of the real binaries: jouled on port 0, joulectl against it,
# SIGHUP with a good and then a bad policy file, SIGTERM drains and exits 0.
# Waits only on jouled's own log lines (read as they are written), never on
# a timer; every wait is bounded by `timeout`.
set -euo pipefail
build=$1
dir=$(mktemp -d)
log=$dir/jouled.log
policy=$dir/policy.yaml
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT

# Blocks until jouled's log has a line matching $1; prints that line.
# (grep reads from a process substitution so its status alone counts.)
wait_log() {
  grep -m1 -E "$1" < <(timeout 20 tail -n +1 -f "$log" 2>/dev/null)
}

echo "governor: {k: 1.5}" > "$policy"
"$build/cmd/jouled" --policy "$policy" --listen 127.0.0.1:0 \
  --metrics-listen 127.0.0.1:0 > "$log" 2>&1 &
pid=$!
grpc_port=$(wait_log 'gRPC .* on 127\.0\.0\.1:[0-9]+' | sed -E 's/.*:([0-9]+)$/\1/')
ctl() { "$build/cmd/joulectl" --server "127.0.0.1:$grpc_port" "$@"; }

ctl devices | tee "$dir/devices.txt"
grep -q '^npu0 .*simulated' "$dir/devices.txt"
ctl submit --ops int8=2e9,fp32=2e9 --weight-bytes 4e6 --deadline-ms 100 \
  | tee "$dir/submit.txt"
grep -q 'completed' "$dir/submit.txt"
grep -q 'wins at' "$dir/submit.txt"
if ctl submit --ops fp32=1e14 --deadline-ms 5 2> "$dir/err.txt"; then
  echo "an infeasible deadline was accepted"; exit 1
fi
grep -q 'rejected at admission' "$dir/err.txt"
# The frame-skip flags reach the daemon, which checks the signal.
if ctl submit --ops fp32=1e6 --stream cam --thumbnail 0.5,2 \
    2> "$dir/err.txt"; then
  echo "a thumbnail value outside [0, 1] was accepted"; exit 1
fi
grep -q 'change_thumbnail\[1\]' "$dir/err.txt"
ctl submit --ops fp32=1e6 --stream cam --digest d1 | grep -q 'completed'

echo "governor: {k: 2.0}" > "$policy"
kill -HUP $pid
wait_log 'policy generation 2 loaded' > /dev/null
printf 'governor:\n  k: 2.0\n  nope: 1\n' > "$policy"
kill -HUP $pid
wait_log "policy reload rejected.*$policy:3:3" > /dev/null
ctl policy | grep -q '^# generation 2'

kill -TERM $pid
wait $pid
grep -q 'stopped' "$log"
echo "jouled smoke test passed"
