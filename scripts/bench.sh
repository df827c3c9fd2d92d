#!/usr/bin/env bash
# End-to-end benchmark on loopback: a service JVM (demo node + bare echo consumer), a GenApi gateway JVM and a bare
# Vert.x baseline JVM (same WebSocket -> clustered event bus -> service path, no pipeline), driven by a Java load
# generator. Prints throughput (closed loop), latency at a fixed rate (open loop), CPU per call, heap per idle
# WebSocket, and a last line: RESULT gateway_rps=.. baseline_rps=.. ratio=.. p50_ms=.. p99_ms=.. idle_kb_per_conn=..
#   scripts/bench.sh           full run (30 s warm-up, 30 s per measurement, 10,000 idle connections)
#   scripts/bench.sh --quick   under 3 minutes (10 s warm-up, 10 s per measurement, 2,000 idle connections)
set -euo pipefail
cd "$(dirname "$0")/.."

warmup=30 measure=30 idle=10000 connections=64 rate=5000
if [[ ${1:-} == --quick ]]; then warmup=10 measure=10 idle=2000; fi

echo "Building ..." >&2
mvn -B -q -Pjmh test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
dir=target/bench
# the JVMs run from a copy of the classes, so a Maven build started meanwhile cannot change them under a running bench
rm -rf "$dir" && mkdir -p "$dir" && cp -r target/classes "$dir/classes" && cp -r target/test-classes "$dir/test-classes"
cp="$dir/test-classes:$dir/classes:$(cat target/bench-classpath.txt)"
name="genapi-bench-$$"
cluster_port=$((20000 + RANDOM % 9000))
gateway_port=$((30000 + RANDOM % 5000))
baseline_port=$((gateway_port + 1))
jvm=(java -Xms512m -Xmx512m -XX:+UseParallelGC -Djava.net.preferIPv4Stack=true -Dhazelcast.phone.home.enabled=false
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2> /dev/null || true; done; }
trap cleanup EXIT

await() { # file text
  for _ in $(seq 1 240); do grep -q "$2" "$1" && return 0; sleep 0.5; done
  echo "timed out waiting for '$2' in $1" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"${jvm[@]}" dev.genapi.bench.BenchNode "$name" "$cluster_port" > "$dir/node.log" 2>&1 & node=$!; pids+=("$node")
await "$dir/node.log" "bench node ready"
"${jvm[@]}" dev.genapi.launcher.Main gateway --cluster-name "$name" --cluster-port "$cluster_port" \
  --http-port "$gateway_port" --instances 2 > "$dir/gateway.log" 2>&1 & gateway=$!; pids+=("$gateway")
await "$dir/gateway.log" "GenApi gateway ready"
await "$dir/node.log" "bench node registered"
"${jvm[@]}" dev.genapi.bench.BaselineServer "$name" "$cluster_port" "$baseline_port" 2 > "$dir/baseline.log" 2>&1 &
baseline=$!; pids+=("$baseline")
await "$dir/baseline.log" "baseline ready"

load() { "${jvm[@]/-Xms512m/-Xms256m}" dev.genapi.bench.LoadGenerator "$@" | tail -1; }
json() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<< "$1"; }

measure_closed() { # port pid-of-server
  local before_s before_n after_s after_n out
  before_s=$(cpu_ticks "$2"); before_n=$(cpu_ticks "$node")
  out=$(load closed "$1" "$connections" "$warmup" "$measure")
  after_s=$(cpu_ticks "$2"); after_n=$(cpu_ticks "$node")
  local calls; calls=$(json "$out" calls)
  # ticks are 1/100 s and cover warm-up too: CPU per call is over both phases, scaled by the measured rate
  local total=$(( (warmup + measure) )); local rps; rps=$(json "$out" rps)
  echo "$out" >&2
  echo "$(json "$out" rps) $(awk -v t=$((after_s - before_s)) -v r="$rps" -v s=$total 'BEGIN{printf "%.0f", t*10000/(r*s)}') $(awk -v t=$((after_n - before_n)) -v r="$rps" -v s=$total 'BEGIN{printf "%.0f", t*10000/(r*s)}') $calls"
}

echo "Closed loop, $connections connections: gateway" >&2
read -r gateway_rps gateway_cpu gateway_node_cpu _ <<< "$(measure_closed "$gateway_port" "$gateway")"
echo "Closed loop, $connections connections: baseline" >&2
read -r baseline_rps baseline_cpu baseline_node_cpu _ <<< "$(measure_closed "$baseline_port" "$baseline")"
echo "Open loop, $rate calls/s: gateway" >&2
open=$(load open "$gateway_port" 32 "$warmup" "$measure" "$rate"); echo "$open" >&2

echo "Idle connections: $idle" >&2
heap() { jcmd "$1" GC.class_histogram 2> /dev/null | awk '/^Total/ {print $3}'; }
before=$(heap "$gateway")
"${jvm[@]/-Xms512m/-Xms256m}" dev.genapi.bench.LoadGenerator idle "$gateway_port" "$idle" 0 20 > "$dir/idle.log" 2>&1 &
idle_pid=$!; pids+=("$idle_pid")
await "$dir/idle.log" "idle .* connections open"
sleep 2
after=$(heap "$gateway")
kill "$idle_pid" 2> /dev/null || true
idle_kb=$(awk -v a="$after" -v b="$before" -v n="$idle" 'BEGIN{printf "%.1f", (a-b)/n/1024}')

ratio=$(awk -v g="$gateway_rps" -v b="$baseline_rps" 'BEGIN{printf "%.2f", g/b}')
echo "gateway: ${gateway_rps} calls/s, CPU per call ${gateway_cpu} us (gateway) + ${gateway_node_cpu} us (node)"
echo "baseline: ${baseline_rps} calls/s, CPU per call ${baseline_cpu} us (baseline) + ${baseline_node_cpu} us (node)"
echo "open loop at ${rate}/s: p50 $(json "$open" p50_ms) ms, p99 $(json "$open" p99_ms) ms, p99.9 $(json "$open" p999_ms) ms"
echo "idle WebSockets: ${idle_kb} KB of gateway heap per connection (${idle} connections)"
echo "RESULT gateway_rps=${gateway_rps} baseline_rps=${baseline_rps} ratio=${ratio} p50_ms=$(json "$open" p50_ms) p99_ms=$(json "$open" p99_ms) idle_kb_per_conn=${idle_kb}"
