#!/usr/bin/env bash
# bench/run.sh BUILD_DIR — runs joule's benchmarks on binaries already built
# in BUILD_DIR (`make bench` builds first) and prints a summary. Every figure
# comes with a comparison point measured in the same run, because on a
# shared 2-core machine absolute numbers drift between runs; ratios less so.
#
#   1. placement latency: bench/placement_bench (Google Benchmark, per-call
#      p50/p99; comparison point: the cost-model estimate for one device).
#   2. Submit throughput through jouled's full gRPC path (validate, cost,
#      place, queue, simulated run, complete) against grpc_echo_server (same
#      gRPC library, same method, returns an empty JobResult at once), each
#      loaded by h2load (gRPC framing) and by bench/grpc_load_client, in
#      alternating rounds; medians and jouled/echo ratios. jouled runs twice:
#      on its default profile, and on a copy whose dispatch_overhead_s is 0
#      (so a 1-op job's simulated run takes 0 ns and only the RPC path is
#      left).
#   3. jouled memory: VmRSS/VmHWM idle and after the load, against the echo
#      server's.
#   4. joule-sim: simulator throughput (virtual jobs per second of wall time)
#      on sim/scenarios/rk3588_60pct.yaml, one run and --compare (every
#      baseline on the same trace), each run twice with the same seed and the
#      outputs diffed (the simulator must be deterministic); prints the
#      --compare table.
#   5. copies and allocations per Submit of a model job
#      (bench/submit_copies_bench), then real CPU inference through jouled
#      against ONNX Runtime called directly (bench/onnx_throughput_bench, on
#      the public models scripts/fetch-test-models.sh fetches).
#
# Loopback only; everything it starts is stopped on exit (trap). The whole
# run is bounded (watchdog, JOULE_BENCH_LIMIT_S, default 290 s).
# Knobs: JOULE_BENCH_CALLS (calls per load run, default 40000),
# JOULE_BENCH_ROUNDS (default 5), JOULE_BENCH_MIN_TIME (Google Benchmark
# --benchmark_min_time, default 0.2), JOULE_SIM_SCENARIO (default
# sim/scenarios/rk3588_60pct.yaml), JOULE_SIM_SEED (default 1),
# JOULE_BENCH_CANDIDATES ("name=/path/to/jouled ...": other jouled builds
# loaded like jouled0 in the same rounds, to measure a proposed change;
# "name=/path/to/jouled@default" loads one like jouled, on the default
# profile).
set -euo pipefail

BUILD=${1:?usage: bench/run.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CALLS=${JOULE_BENCH_CALLS:-40000}
ROUNDS=${JOULE_BENCH_ROUNDS:-5}
MIN_TIME=${JOULE_BENCH_MIN_TIME:-0.2}
LIMIT_S=${JOULE_BENCH_LIMIT_S:-290}
# h2load: 4 connections x 16 streams; grpc_load_client: the same 64
# outstanding calls over 4 channels.
CONNS=4
STREAMS=16
CONC=$((CONNS * STREAMS))
WARMUP=2000  # grpc_load_client calls before it starts timing

PLACEMENT=$BUILD/bench/placement_bench
ECHO=$BUILD/bench/grpc_echo_server
CLIENT=$BUILD/bench/grpc_load_client
JOULED=$BUILD/cmd/jouled
SIM=$BUILD/cmd/joule-sim
for b in "$PLACEMENT" "$ECHO" "$CLIENT" "$JOULED" "$SIM"; do
  [ -x "$b" ] || { echo "run.sh: $b not built (make bench builds it)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/joule-bench.XXXXXX)
PIDS=()
WATCHDOG=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP PIPE
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM HUP PIPE
(
  trap 'kill "$sp" 2>/dev/null; exit 0' TERM
  sleep "$LIMIT_S" & sp=$!
  wait "$sp" && echo "run.sh: over ${LIMIT_S}s, stopping" >&2 && kill -TERM $$
) &
WATCHDOG=$!

section() { printf '\n== %s ==\n' "$*"; }
median() {
  sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan";
    else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b>0) printf "%.2f", a/b; else print "nan"}'; }
rss_kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Context switches of the threads alive now (exited threads' are lost).
ctxsw() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s+=$2} END {print s+0}'; }
TCK=$(getconf CLK_TCK)

# Starts a server in the background, logging to $WORK/NAME.log; waits for
# the log line naming its port and stores pid and port as NAME_pid/NAME_port.
start_server() {
  local name=$1 pattern=$2; shift 2
  : >"$WORK/$name.log"
  "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local port=""
  for _ in $(seq 100); do
    port=$(sed -nE "s/.*${pattern} on 127\.0\.0\.1:([0-9]+).*/\1/p" "$WORK/$name.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "run.sh: $name did not start:" >&2; cat "$WORK/$name.log" >&2; exit 1
  fi
  printf -v "${name}_pid" '%s' "$pid"
  printf -v "${name}_port" '%s' "$port"
}

section "machine"
echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "host:      $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "kernel:    $(uname -r)"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (at start; other work on this machine adds noise)"
echo "commit:    $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
echo "gRPC:      $(dpkg-query -W -f='${Version}' libgrpc++-dev 2>/dev/null || echo unknown); h2load: $(command -v h2load >/dev/null && h2load --version 2>&1 | head -1 || echo 'not installed (apt install nghttp2-client)')"
echo "build:     $BUILD"

# ---------------------------------------------------------------------------
section "1. placement decision latency"
echo "\$ $PLACEMENT --benchmark_min_time=$MIN_TIME"
timeout 150 "$PLACEMENT" --benchmark_min_time="$MIN_TIME" 2>&1 | tee "$WORK/placement.txt"

# ---------------------------------------------------------------------------
section "2. Submit throughput: jouled vs bare gRPC echo server"
# jouled0: the default profile with every dispatch_overhead_s set to 0.
sed -E 's/^( *dispatch_overhead_s:) *[0-9.eE+-]+/\1 0/' \
  "$ROOT/devices/profiles/rk3588.yaml" >"$WORK/rk3588-zero-dispatch.yaml"
n=$(grep -cE '^ *dispatch_overhead_s: 0( |$)' "$WORK/rk3588-zero-dispatch.yaml" || true)
[ "$n" = 3 ] || { echo "run.sh: expected 3 dispatch_overhead_s in the profile, got $n" >&2; exit 1; }
# Only the profile changes; every other key keeps its built-in default.
printf 'devices:\n  profile: "%s"\n' "$WORK/rk3588-zero-dispatch.yaml" \
  >"$WORK/policy-zero-dispatch.yaml"

start_server echo 'Submit echo\)' "$ECHO" --listen 127.0.0.1:0
start_server jouled 'gRPC \(joule\.v1\.Scheduler, joule\.v1\.Admin\)' \
  "$JOULED" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --shutdown-grace-ms 1000
start_server jouled0 'gRPC \(joule\.v1\.Scheduler, joule\.v1\.Admin\)' \
  "$JOULED" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --shutdown-grace-ms 1000 \
  --policy "$WORK/policy-zero-dispatch.yaml"
SERVERS=(echo jouled jouled0)
declare -A DESC=(
  [echo]="grpc_echo_server (bench/grpc_echo_server.cc): empty JobResult at once"
  [jouled]="jouled, default policy and RK3588 profile (dispatch overhead 20/200/500 us cpu/gpu/npu is simulated in real time)"
  [jouled0]="jouled, built-in policy defaults, RK3588 profile with dispatch_overhead_s: 0 (a 1-op job runs 0 ns)")
# Candidate builds to compare in the same run, as jouled0 is run:
# JOULE_BENCH_CANDIDATES="name=/path/to/jouled ..." (name: [a-z][a-z0-9_]*);
# a path ending in @default runs that build as jouled (default profile).
for c in ${JOULE_BENCH_CANDIDATES:-}; do
  name=${c%%=*} path=${c#*=} as=jouled0
  if [[ $path == *@default ]]; then path=${path%@default} as=jouled; fi
  [[ $name =~ ^[a-z][a-z0-9_]*$ ]] && [ -x "$path" ] ||
    { echo "run.sh: bad candidate '$c' (want name=/path/to/jouled[@default])" >&2; exit 1; }
  policy=(--policy "$WORK/policy-zero-dispatch.yaml")
  [ "$as" = jouled ] && policy=()
  start_server "$name" 'gRPC \(joule\.v1\.Scheduler, joule\.v1\.Admin\)' \
    "$path" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --shutdown-grace-ms 1000 \
    "${policy[@]}"
  SERVERS+=("$name")
  DESC[$name]="candidate $path, as $as"
done
sleep 1  # idle: let start-up allocations settle
# 3. memory, idle.
declare -A IDLE_RSS AFTER_RSS AFTER_HWM
for s in "${SERVERS[@]}"; do
  p=${s}_pid
  IDLE_RSS[$s]=$(rss_kb "${!p}" VmRSS)
done
for s in "${SERVERS[@]}"; do
  p=${s}_port; echo "$s on 127.0.0.1:${!p}: ${DESC[$s]}"
done

"$CLIENT" --write-body "$WORK/body.bin"
echo "request body ($WORK/body.bin, written by grpc_load_client --write-body):" \
  "$(od -An -tx1 "$WORK/body.bin" | tr -s ' \n' ' ')"
echo "-- verification: the body decodes to the request and each server answers grpc-status 0"
HAVE_H2LOAD=1
command -v h2load >/dev/null || { HAVE_H2LOAD=0; echo "h2load not installed (apt install nghttp2-client): skipping its runs"; }
for s in "${SERVERS[@]}"; do
  p=${s}_port
  "$CLIENT" --target "127.0.0.1:${!p}" --verify-body "$WORK/body.bin"
  if command -v nghttp >/dev/null; then
    # The exact request h2load sends, over nghttp2, with the trailers shown.
    timeout 10 nghttp -v -d "$WORK/body.bin" -H 'content-type: application/grpc' \
      -H 'te: trailers' "http://127.0.0.1:${!p}/joule.v1.Scheduler/Submit" \
      >"$WORK/nghttp.$s.out" 2>&1 || true
    st=$(grep -aoE 'recv \(stream_id=[0-9]+\) :status: [0-9]+' "$WORK/nghttp.$s.out" | awk '{print $NF}' | head -1)
    gs=$(grep -aoE 'recv \(stream_id=[0-9]+\) grpc-status: [0-9]+' "$WORK/nghttp.$s.out" | awk '{print $NF}' | head -1)
    echo "nghttp $s: :status ${st:-none}, grpc-status ${gs:-none}"
    if [ "$st" != 200 ] || [ "$gs" != 0 ]; then
      echo "run.sh: $s does not answer the h2load body with 200 / grpc-status 0" >&2; exit 1
    fi
  fi
done

H2LOAD_CMD="h2load -n $CALLS -c $CONNS -m $STREAMS -d BODY -H 'content-type: application/grpc' -H 'te: trailers' http://127.0.0.1:PORT/joule.v1.Scheduler/Submit"
CLIENT_CMD="$CLIENT --target 127.0.0.1:PORT --total $CALLS --warmup $WARMUP --concurrency $CONC --channels $CONNS"
echo "-- commands (BODY = the body above, PORT = the server's)"
echo "\$ $H2LOAD_CMD"
echo "\$ $CLIENT_CMD"
echo "-- runs (server CPU us/call and context switches/call from /proc over the run)"
RUNS=$WORK/runs.tsv
: >"$RUNS"
run_one() {  # tool server round
  local tool=$1 s=$2 r=$3 p=${2}_port pidv=${2}_pid
  local port=${!p} pid=${!pidv} c0 x0 c1 x1 line rate p50 p99 errs ok2xx cpu cs
  # Calls the server handled over the run (the client's warm-up included).
  local served=$CALLS
  [ "$tool" = h2load ] || served=$((CALLS + WARMUP))
  c0=$(cpu_ticks "$pid"); x0=$(ctxsw "$pid")
  if [ "$tool" = h2load ]; then
    line=$(timeout 90 h2load -n "$CALLS" -c "$CONNS" -m "$STREAMS" -d "$WORK/body.bin" \
      -H 'content-type: application/grpc' -H 'te: trailers' \
      "http://127.0.0.1:$port/joule.v1.Scheduler/Submit" 2>&1 || true)
    rate=$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<<"$line")
    ok2xx=$(sed -nE 's/^status codes: ([0-9]+) 2xx.*/\1/p' <<<"$line")
    # h2load gives no percentiles: its mean, converted to us.
    p50=$(awk '/^time for request:/ {v=$6; u=v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
      m=(u=="ms") ? 1e3 : (u=="s") ? 1e6 : 1; printf "%.1fus", v*m}' <<<"$line")
    p99="-"
    errs=$((CALLS - ${ok2xx:-0}))
  else
    line=$(timeout 90 "$CLIENT" --target "127.0.0.1:$port" --total "$CALLS" --warmup "$WARMUP" \
      --concurrency "$CONC" --channels "$CONNS" --timeout-s 60 2>&1 || true)
    rate=$(sed -nE 's/.*calls_per_s=([0-9.]+).*/\1/p' <<<"$line")
    p50=$(sed -nE 's/.*p50_us=([0-9.]+).*/\1/p' <<<"$line")us
    p99=$(sed -nE 's/.*p99_us=([0-9.]+).*/\1/p' <<<"$line")us
    errs=$(sed -nE 's/.*errors=([0-9]+).*/\1/p' <<<"$line")
  fi
  c1=$(cpu_ticks "$pid"); x1=$(ctxsw "$pid")
  if [ -z "$rate" ] || [ "${errs:-1}" != 0 ]; then
    echo "run.sh: $tool against $s failed:" >&2; echo "$line" >&2; exit 1
  fi
  cpu=$(awk -v d=$((c1 - c0)) -v t="$TCK" -v n="$served" 'BEGIN {printf "%.1f", d * 1e6 / t / n}')
  cs=$(awk -v d=$((x1 - x0)) -v n="$served" 'BEGIN {printf "%.2f", d / n}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$s" "$r" "$rate" "$p50" "$p99" "$cpu" "$cs" >>"$RUNS"
  local lat="p50 $p50, p99 $p99"
  [ "$tool" = h2load ] && lat="mean $p50"
  printf 'round %s %-17s %-10s %9.0f calls/s  latency %-26s server %5s us CPU/call, %s ctx switches/call\n' \
    "$r" "$tool" "$s" "$rate" "$lat" "$cpu" "$cs"
}
TOOLS=(grpc_load_client)
[ "$HAVE_H2LOAD" = 1 ] && TOOLS+=(h2load)
for r in $(seq "$ROUNDS"); do
  # Rotate the order each round so no server always runs first.
  k=$(((r - 1) % ${#SERVERS[@]}))
  order=("${SERVERS[@]:$k}" "${SERVERS[@]:0:$k}")
  for tool in "${TOOLS[@]}"; do
    for s in "${order[@]}"; do run_one "$tool" "$s" "$r"; done
  done
done

# 3. memory, after the load.
for s in "${SERVERS[@]}"; do
  p=${s}_pid
  AFTER_RSS[$s]=$(rss_kb "${!p}" VmRSS); AFTER_HWM[$s]=$(rss_kb "${!p}" VmHWM)
done

# ---------------------------------------------------------------------------
section "4. joule-sim: throughput and determinism"
# Virtual jobs simulated per second of wall time, for one run and for
# --compare (every placement x governor baseline on the same trace, in
# parallel on the machine's cores). Each command runs twice with the same
# seed; the two outputs must be identical.
SIM_SCENARIO=${JOULE_SIM_SCENARIO:-$ROOT/sim/scenarios/rk3588_60pct.yaml}
SIM_SEED=${JOULE_SIM_SEED:-1}
# Sum of the "jobs" column of the report's Comparison table (the offline
# lower bound is computed, not simulated: left out).
sim_jobs() {
  awk -F'|' '/^## Comparison/ {t=1; next} t && /^## / {t=0}
    t && /^\| / && $2 !~ /^ *(run|---|lower bound)/ {n += $3} END {print n+0}' "$1"
}
declare -A SIM_WALL SIM_CPU SIM_VJOBS SIM_SAME
for mode in single compare; do
  args=(--scenario "$SIM_SCENARIO" --seed "$SIM_SEED")
  [ "$mode" = compare ] && args+=(--compare)
  echo "\$ $SIM ${args[*]}"
  for k in 1 2; do
    t0=$(date +%s.%N); c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    timeout 120 "$SIM" "${args[@]}" >"$WORK/sim.$mode.$k.out" 2>"$WORK/sim.$mode.$k.err" && rc=0 || rc=$?
    t1=$(date +%s.%N); c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    if [ "$rc" != 0 ]; then
      echo "run.sh: joule-sim ($mode) exit $rc:" >&2; tail -20 "$WORK/sim.$mode.$k.err" >&2; exit 1
    fi
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
    # Children's CPU time (cutime + cstime of this shell, waited-for only).
    cpu=$(awk -v d=$((c1 - c0)) -v t="$TCK" 'BEGIN {printf "%.2f", d / t}')
    jobs=$(sim_jobs "$WORK/sim.$mode.$k.out")
    echo "run $k: wall ${wall} s, CPU ${cpu} s, ${jobs} virtual jobs, $(awk -v j="$jobs" -v w="$wall" 'BEGIN {printf "%.0f", j / w}') jobs/s of wall time"
    # Keep the faster of the two runs (other work on the machine slows one).
    if [ "$k" = 1 ] || awk -v a="$wall" -v b="${SIM_WALL[$mode]}" 'BEGIN {exit !(a < b)}'; then
      SIM_WALL[$mode]=$wall SIM_CPU[$mode]=$cpu
    fi
    SIM_VJOBS[$mode]=$jobs
  done
  if cmp -s "$WORK/sim.$mode.1.out" "$WORK/sim.$mode.2.out"; then
    SIM_SAME[$mode]="identical"
  else
    SIM_SAME[$mode]="DIFFERENT"
    echo "run.sh: joule-sim ($mode) gave different output for the same seed:" >&2
    diff "$WORK/sim.$mode.1.out" "$WORK/sim.$mode.2.out" | head -20 >&2
  fi
  echo "same seed, two runs: outputs ${SIM_SAME[$mode]} ($(wc -l <"$WORK/sim.$mode.1.out") lines compared)"
done
# One run on one thread, in-process (bench/sim_throughput_bench): the
# simulation alone, and RunScenario as joule-sim runs it.
SIM_BENCH=$BUILD/bench/sim_throughput_bench
if [ -x "$SIM_BENCH" ]; then
  echo "\$ $SIM_BENCH --scenario=$SIM_SCENARIO --seed=$SIM_SEED --rounds=5"
  timeout 120 "$SIM_BENCH" --scenario="$SIM_SCENARIO" --seed="$SIM_SEED" --rounds=5 ||
    echo "sim_throughput_bench failed"
else
  echo "skipped: $SIM_BENCH not built (ninja -C $BUILD sim_throughput_bench)"
fi
echo "-- the --compare table (run 1):"
sed -n '/^## Comparison/,/^E\/job:/p' "$WORK/sim.compare.1.out"

col() { awk -F'\t' -v t="$1" -v s="$2" -v c="$3" '$1==t && $2==s {print $c}' "$RUNS" | sed 's/us$//' | median; }
# Median over rounds of (server / echo) for column c, each round's pair run
# back to back with the same tool.
round_ratio() {
  awk -F'\t' -v t="$1" -v s="$2" -v c="$3" '$1==t && $2=="echo" {e[$3]=$c}
    $1==t && $2==s {v[$3]=$c} END {for (r in v) if (e[r]>0) print v[r]/e[r]}' "$RUNS" | median |
    awk '{printf "%.2f", $1}'
}
section "SUMMARY"
echo "placement latency (p50/p99 over every timed call, timer overhead subtracted):"
sed -n '/^SUMMARY placement/,$p' "$WORK/placement.txt" | tail -n +2
echo
echo "Submit throughput: medians of $ROUNDS rounds of $CALLS calls, $CONC outstanding ($CONNS connections x $STREAMS streams)."
echo "vs echo = median over rounds of (server calls/s / echo calls/s), same tool, run back to back; target >= 0.8."
echo "CPU x echo = the same for the server's CPU time per call (utime+stime from /proc/PID/stat)."
printf '%-17s %-10s %9s %11s %10s %11s %9s %8s %10s\n' tool server calls/s "p50|mean us" "p99 us" \
  "CPU us/call" "ctxsw/call" "vs echo" "CPU x echo"
for tool in "${TOOLS[@]}"; do
  for s in "${SERVERS[@]}"; do
    printf '%-17s %-10s %9.0f %11s %10s %11s %9s %8s %10s\n' "$tool" "$s" "$(col "$tool" "$s" 4)" \
      "$(col "$tool" "$s" 5)" "$([ "$tool" = h2load ] && echo - || col "$tool" "$s" 6)" \
      "$(col "$tool" "$s" 7)" "$(col "$tool" "$s" 8)" \
      "$(round_ratio "$tool" "$s" 4)" "$(round_ratio "$tool" "$s" 7)"
  done
done
echo "(h2load reports a mean latency, no percentiles. ctxsw/call: the server's context switches per"
echo " call, threads alive at the end of the run only.)"
echo
echo "memory (kB, /proc/PID/status; idle = 1 s after start, after = after all load runs; HWM = peak RSS):"
printf '%-10s %10s %12s %12s %14s\n' server "idle RSS" "after RSS" "peak HWM" "HWM vs echo"
for s in "${SERVERS[@]}"; do
  printf '%-10s %10s %12s %12s %14s\n' "$s" "${IDLE_RSS[$s]}" "${AFTER_RSS[$s]}" "${AFTER_HWM[$s]}" \
    "$(ratio "${AFTER_HWM[$s]}" "${AFTER_HWM[echo]}")"
done
echo "(idle RSS vs echo: jouled $(ratio "${IDLE_RSS[jouled]}" "${IDLE_RSS[echo]}"), jouled0 $(ratio "${IDLE_RSS[jouled0]}" "${IDLE_RSS[echo]}"))"
echo
echo "joule-sim on $(basename "$SIM_SCENARIO") --seed $SIM_SEED (faster of two runs; virtual jobs per second of wall time):"
printf '%-9s %12s %8s %8s %14s %s\n' mode "virtual jobs" "wall s" "CPU s" "jobs/s (wall)" "same seed twice"
for mode in single compare; do
  printf '%-9s %12s %8s %8s %14.0f %s\n' "$mode" "${SIM_VJOBS[$mode]}" "${SIM_WALL[$mode]}" \
    "${SIM_CPU[$mode]}" "$(awk -v j="${SIM_VJOBS[$mode]}" -v w="${SIM_WALL[$mode]}" 'BEGIN {print j / w}')" \
    "${SIM_SAME[$mode]}"
done


# ---------------------------------------------------------------------------
# Copies and allocations per Submit (RESULTS.md section 5):
# bench/submit_copies_bench counts heap allocations and bulk byte copies of
# a model job's path in-process (SpecFromProto -> Scheduler -> ModelExecutor
# -> ONNX Runtime -> JobInfoToProto); about 10 s.
section "copies and allocations per Submit (submit_copies_bench)"
COPIES_BENCH=$BUILD/bench/submit_copies_bench
if [ -x "$COPIES_BENCH" ]; then
  echo "\$ $COPIES_BENCH --benchmark_min_time=0.5"
  timeout 120 "$COPIES_BENCH" --benchmark_min_time=0.5 2>&1 | grep -E '^(Check|Submit)' ||
    echo "submit_copies_bench failed"
else
  echo "skipped: $COPIES_BENCH not built (ninja -C $BUILD submit_copies_bench)"
fi

# ---------------------------------------------------------------------------
# Real CPU inference (RESULTS.md, "Real CPU inference: jouled vs ONNX
# Runtime direct"): bench/onnx_throughput_bench runs public ONNX exports (an
# OCR recogniser, a text detector, a keyword head: .deps/models, which
# scripts/fetch-test-models.sh fetches and checks, run first) through an
# in-process jouled (Submit over loopback, 1 and 4 calls outstanding) and
# through ONNX Runtime called directly, same process, same session options,
# alternating rounds; then the cost model's prediction error before and
# after calibration. It calibrates the host's cpu0 numbers first (about
# 1 s). Runs after the load runs above, alone, so no other server shares the
# cores. Knobs: JOULE_ONNX_BENCH_ARGS (its flags, e.g. "--rounds=3
# --round-s=0.5 --spinning=off"), JOULE_ONNX_BENCH_LIMIT_S (its own limit,
# default 150 s; ~70 s by default).
section "real CPU inference: jouled vs ONNX Runtime direct (onnx_throughput_bench)"
ONNX_BENCH=$BUILD/bench/onnx_throughput_bench
if ! timeout 600 "$ROOT/scripts/fetch-test-models.sh"; then
  echo "skipped: scripts/fetch-test-models.sh failed (the public models are not there)"
elif [ -x "$ONNX_BENCH" ]; then
  echo "\$ $ONNX_BENCH ${JOULE_ONNX_BENCH_ARGS:-}"
  # Its stderr (its own error messages) to a file, shown if it fails.
  # shellcheck disable=SC2086
  # TMPDIR: its generated models go under $WORK, which cleanup removes even
  # if the timeout kills it.
  TMPDIR=$WORK timeout "${JOULE_ONNX_BENCH_LIMIT_S:-150}" "$ONNX_BENCH" ${JOULE_ONNX_BENCH_ARGS:-} \
    2>"$WORK/onnx_bench.log" && rc=0 || rc=$?
  if [ "$rc" != 0 ]; then
    echo "onnx_throughput_bench exit $rc (124: over ${JOULE_ONNX_BENCH_LIMIT_S:-150} s); its stderr:"
    tail -20 "$WORK/onnx_bench.log"
  fi
else
  echo "skipped: $ONNX_BENCH not built (ninja -C $BUILD onnx_throughput_bench)"
fi
