#!/usr/bin/env bash
# End-to-end benchmark on loopback: a service JVM (demo node + bare echo consumer), a GenApi gateway JVM and a bare
# Vert.x baseline JVM (same WebSocket -> clustered event bus -> service path, no pipeline), driven by a Java load
# generator. Prints throughput (closed loop), CPU per call, latency at a fixed rate (open loop, gateway and
# baseline), heap per idle WebSocket (with the classes one connection holds), and a last line: RESULT gateway_rps=..
# baseline_rps=.. ratio=.. gateway_cpu_us=.. baseline_cpu_us=.. cpu_ratio=.. p50_ms=.. p99_ms=.. baseline_p99_ms=..
# open_cpu_ratio=.. idle_kb_per_conn=.. baseline_idle_kb_per_conn=.. own_b_per_conn=..
#   scripts/bench.sh           full run (closed loop in rounds gateway, baseline, baseline, gateway; 30 s warm-up and
#                              30 s measurement each; 10,000 idle connections), about 8 minutes
#   scripts/bench.sh --quick   about 3 minutes (one round each, 20 s warm-up: the gateway's JIT is still busy at 10 s;
#                              10 s measurement, 2,000 idle connections)
#   scripts/bench.sh --idle    heap per idle WebSocket only: 10,000 connections held open to the baseline, then to the
#                              gateway, each after a full GC (RESULT_IDLE line), about 1 minute
#   scripts/bench.sh --slow-readers   8 WebSockets that stop reading ask for about 500 MB of stream chunks while one
#                              well-behaved client calls echo for 30 s; prints the gateway's peak heap and client bytes
#                              and the well-behaved client's latency (RESULT_SLOW line)
#   scripts/bench.sh --cluster-tls   the closed loop only, against a second gateway and node whose event bus runs
#                              mutual TLS, in rounds gateway, gateway-tls, baseline, baseline, gateway-tls, gateway
#                              (RESULT_TLS line: tls_cost is 1 - gateway_tls_rps / gateway_rps), about 7 minutes
#   scripts/bench.sh --fan-out   one push to 10,000 WebSockets of one user (demo.push_to_user) and one relay send to
#                              a group of 10,000 members on the gateway, against a bare Vert.x server writing the same
#                              frame to its 10,000 sockets; rounds user, group, baseline, baseline, group, user of 20
#                              warm-up and 100 measured pushes (RESULT_FANOUT line), about 6 minutes;
#                              FAN_OUT_ROUNDS="group baseline" runs those rounds only
#   scripts/bench.sh --http2-tls   demo echo over HTTP/2 with TLS to POST /api/call of a TLS gateway (4 connections,
#                              16 streams in flight on each), against a bare Vert.x HTTP/2-over-TLS server sending each
#                              body to the node's bare echo (same certificate, 2 instances each); rounds gateway,
#                              baseline, baseline, gateway, 60 s warm-up (at 25 s the gateway's JIT still takes a
#                              third of its CPU) and 30 s measurement each, CPU per call (RESULT_H2 line), about 8 minutes
#   scripts/bench.sh --mcp     tools/call demo.echo on /mcp (one MCP session per connection) against POST /api/call of
#                              the same gateway over HTTP/1.1, 64 connections, one call in flight each; rounds mcp,
#                              http, http, mcp (RESULT_MCP line: the difference is MCP's own cost), about 8 minutes;
#                              for both, PATHS_WARMUP=3 PATHS_MEASURE=3 shorten the rounds, PATHS_ROUNDS="mcp http"
#                              (or "gateway baseline") runs those rounds only
#   every gateway runs 2 verticle instances on 2 event loops, as the baselines do (GATEWAY_EVENT_LOOPS=4 gives the
#   gateways Vert.x's default on 2 cores, for an A/B)
set -euo pipefail
cd "$(dirname "$0")/.."
event_loops=${GATEWAY_EVENT_LOOPS:-2}

warmup=30 measure=30 idle=10000 connections=64 rate=5000 order=(gateway baseline baseline gateway)
if [[ ${1:-} == --quick ]]; then warmup=20 measure=10 idle=2000 order=(gateway baseline); fi
slow_readers=false cluster_tls=false fan_out=false idle_only=false
[[ ${1:-} == --idle ]] && idle_only=true
[[ ${1:-} == --slow-readers ]] && slow_readers=true
[[ ${1:-} == --fan-out ]] && fan_out=true
if [[ ${1:-} == --cluster-tls ]]; then cluster_tls=true order=(gateway gateway-tls baseline baseline gateway-tls gateway); fi

echo "Building ..." >&2
mvn -B -q -Pjmh test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
dir=target/bench
# the JVMs run from a copy of the classes, so a Maven build started meanwhile cannot change them under a running bench
rm -rf "$dir" && mkdir -p "$dir" && cp -r target/classes "$dir/classes" && cp -r target/test-classes "$dir/test-classes"
cp="$dir/test-classes:$dir/classes:$(cat target/bench-classpath.txt)"
# the load comes from one address: lift the per-address connection bound for the bench's gateways
mkdir -p "$dir/conf" && cp conf/*.json "$dir/conf/"
sed -i '0,/{/s//{"max_connections_per_address": 30000,/' "$dir/conf/gateway.json"
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
  for _ in $(seq 1 240); do grep -q "$2" "$1" 2> /dev/null && return 0; sleep 0.5; done
  echo "timed out waiting for '$2' in $1" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"${jvm[@]}" dev.genapi.bench.BenchNode "$name" "$cluster_port" > "$dir/node.log" 2>&1 & node=$!; pids+=("$node")
await "$dir/node.log" "bench node ready"
"${jvm[@]}" dev.genapi.launcher.Main gateway --cluster-name "$name" --cluster-port "$cluster_port" \
  --http-port "$gateway_port" --instances 2 --event-loops "$event_loops" --conf "$dir/conf" > "$dir/gateway.log" 2>&1 &
gateway=$!; pids+=("$gateway")
await "$dir/gateway.log" "GenApi gateway ready"
await "$dir/node.log" "bench node registered"

if $slow_readers; then
  used_mb() { jstat -gc "$1" | awk 'NR == 2 {printf "%.0f", ($3 + $4 + $6 + $8) / 1024}'; }
  client_bytes() { curl -s "http://127.0.0.1:$gateway_port/metrics" | awk '/^genapi_client_bytes / {printf "%.0f", $2}'; }
  jcmd "$gateway" GC.run > /dev/null
  start_mb=$(used_mb "$gateway") peak_mb=0 peak_client=0
  "${jvm[@]/-Xms512m/-Xms256m}" dev.genapi.bench.SlowReaderLoad "$gateway_port" 8 52 30 > "$dir/slow.out" 2>&1 &
  load=$!
  while kill -0 "$load" 2> /dev/null; do
    mb=$(used_mb "$gateway"); held=$(client_bytes)
    (( mb > peak_mb )) && peak_mb=$mb
    (( ${held:-0} > peak_client )) && peak_client=$held
    sleep 0.2
  done
  line=$(tail -1 "$dir/slow.out"); echo "$line" >&2
  echo "RESULT_SLOW heap_start_mb=$start_mb heap_peak_mb=$peak_mb client_bytes_peak=$peak_client $(sed -E 's/[{}"]//g; s/:/=/g; s/,/ /g' <<< "$line")"
  exit 0
fi
if $fan_out; then
  "${jvm[@]}" dev.genapi.bench.FanOutServer "$baseline_port" 2 > "$dir/fanout-baseline.log" 2>&1 & pids+=("$!")
  await "$dir/fanout-baseline.log" "fan-out baseline ready"
  declare -A fan
  for mode in ${FAN_OUT_ROUNDS:-user group baseline baseline group user}; do
    port=$gateway_port; [[ $mode == baseline ]] && port=$baseline_port
    echo "Fan-out, 10000 connections: $mode" >&2
    line=$("${jvm[@]/-Xms512m/-Xms256m}" dev.genapi.bench.FanOutLoad "$mode" "$port" 10000 20 100 | tail -1)
    echo "$line" >&2
    fan[$mode]+="$(sed -E 's/.*"deliveries_per_s":([0-9]+).*"p99_ms":([0-9.]+).*/\1 \2/' <<< "$line")"$'\n'
  done
  avg() { awk -v c="$2" 'NF {s += $c; n++} END {printf "%.2f", s / n}' <<< "${fan[$1]:-}"; }
  awk -v g="$(avg user 1)" -v r="$(avg group 1)" -v b="$(avg baseline 1)" -v gp="$(avg user 2)" \
    -v rp="$(avg group 2)" -v bp="$(avg baseline 2)" 'BEGIN{printf "RESULT_FANOUT gateway_deliveries_per_s=%d '\
'group_deliveries_per_s=%d baseline_deliveries_per_s=%d ratio=%.2f group_ratio=%.2f gateway_p99_ms=%.2f '\
'group_p99_ms=%.2f baseline_p99_ms=%.2f\n", g, r, b, g/b, r/b, gp, rp, bp}'
  exit 0
fi
if [[ ${1:-} == --http2-tls || ${1:-} == --mcp ]]; then
  # HTTP/2 over TLS: a TLS gateway against a bare HTTP/2 server on the same certificate; MCP: tools/call on /mcp
  # against the same echo on POST /api/call of the same gateway, so the difference is MCP's own cost
  warmup=${PATHS_WARMUP:-60} measure=${PATHS_MEASURE:-30}
  declare -A path_mode path_port path_pid
  if [[ $1 == --http2-tls ]]; then
    tag=H2 labels=(gateway baseline) path_connections=4 path_streams=16
    scripts/dev-certs.sh "$dir/certs" gateway > /dev/null
    cert="$dir/certs/gateway.crt" key="$dir/certs/gateway.key"
    GENAPI_TLS_CERT="$cert" GENAPI_TLS_KEY="$key" "${jvm[@]}" dev.genapi.launcher.Main gateway --cluster-name "$name" \
      --cluster-port "$cluster_port" --http-port $((gateway_port + 2)) --instances 2 \
      --event-loops "$event_loops" --conf "$dir/conf" > "$dir/gateway-h2.log" 2>&1 &
    path_pid[gateway]=$!; pids+=("$!")
    "${jvm[@]}" dev.genapi.bench.Http2BaselineServer "$name" "$cluster_port" "$baseline_port" 2 "$cert" "$key" \
      > "$dir/h2-baseline.log" 2>&1 &
    path_pid[baseline]=$!; pids+=("$!")
    await "$dir/gateway-h2.log" "GenApi gateway ready"
    await "$dir/h2-baseline.log" "http2 baseline ready"
    path_mode=([gateway]=h2 [baseline]=h2) path_port=([gateway]=$((gateway_port + 2)) [baseline]=$baseline_port)
    # the new gateway serves echo once the registry has reached it
    for _ in $(seq 1 120); do
      curl -s --http2 --cacert "$dir/certs/ca.crt" -H 'Content-Type: application/json' -d '{"request_id":"r",'\
'"service":"demo","request_type":"echo","args":{"message":"m"}}' "https://127.0.0.1:${path_port[gateway]}/api/call" \
        | grep -q '"success":true' && break
      sleep 0.5
    done
  else
    tag=MCP labels=(mcp http) path_connections=$connections path_streams=1
    path_mode=([mcp]=mcp [http]=http) path_port=([mcp]=$gateway_port [http]=$gateway_port)
    path_pid=([mcp]=$gateway [http]=$gateway)
  fi
  a=${labels[0]} b=${labels[1]}
  read -r -a rounds <<< "${PATHS_ROUNDS:-$a $b $b $a}"
  # One round: prints "calls/s p50-ms p99-ms server-us-per-call node-us-per-call", CPU over the measured window only
  path_round() { # label
    local out="$dir/$1.out" load_pid s0 n0 s1 n1 line
    "${jvm[@]/-Xms512m/-Xms256m}" dev.genapi.bench.HttpCallLoad "${path_mode[$1]}" "${path_port[$1]}" \
      "$path_connections" "$path_streams" "$warmup" "$measure" "$dir/certs/ca.crt" > "$out" &
    load_pid=$!
    until grep -qs '^measuring' "$out"; do kill -0 "$load_pid" 2> /dev/null || break; sleep 0.1; done
    s0=$(cpu_ticks "${path_pid[$1]}"); n0=$(cpu_ticks "$node")
    sleep "$measure"; s1=$(cpu_ticks "${path_pid[$1]}"); n1=$(cpu_ticks "$node")
    wait "$load_pid" || { echo "the load generator failed (see above)" >&2; return 1; }
    line=$(tail -1 "$out"); echo "$line" >&2
    grep -q '"errors":0,"failed":0,"closed":0' <<< "$line" || echo "WARNING: calls failed or connections were" \
      "lost; this round's figures are not valid" >&2
    sed -E 's/.*"rps":([0-9]+),"p50_ms":([0-9.]+),"p99_ms":([0-9.]+).*/\1 \2 \3/' <<< "$line" \
      | awk -v s=$((s1 - s0)) -v n=$((n1 - n0)) -v m="$measure" '{printf "%s %s %s %.1f %.1f\n", $1, $2, $3,
        s * 10000 / ($1 * m), n * 10000 / ($1 * m)}' # ticks are 1/100 s
  }
  declare -A path_runs
  for label in "${rounds[@]}"; do
    echo "$tag, ${path_connections} connections x ${path_streams} in flight: $label" >&2
    path_runs[$label]+="$(path_round "$label")"$'\n'
  done
  path_mean() { awk -v c="$2" 'NF {s += $c; n++} END {printf (c == 1 ? "%.0f" : c <= 3 ? "%.2f" : "%.1f"), s / n}' \
    <<< "${path_runs[$1]:-}"; }
  for label in "$a" "$b"; do
    echo "$label: $(path_mean "$label" 1) calls/s, p50 $(path_mean "$label" 2) ms, p99 $(path_mean "$label" 3) ms," \
      "CPU per call $(path_mean "$label" 4) us (server) + $(path_mean "$label" 5) us (node)"
  done
  echo "RESULT_$tag ${a}_rps=$(path_mean "$a" 1) ${b}_rps=$(path_mean "$b" 1) ratio=$(awk -v x="$(path_mean "$a" 1)" \
    -v y="$(path_mean "$b" 1)" 'BEGIN{printf "%.2f", x / y}') ${a}_cpu_us=$(path_mean "$a" 4)" \
    "${b}_cpu_us=$(path_mean "$b" 4) ${a}_p50_ms=$(path_mean "$a" 2) ${b}_p50_ms=$(path_mean "$b" 2)" \
    "${a}_p99_ms=$(path_mean "$a" 3) ${b}_p99_ms=$(path_mean "$b" 3)"
  exit 0
fi
"${jvm[@]}" dev.genapi.bench.BaselineServer "$name" "$cluster_port" "$baseline_port" 2 > "$dir/baseline.log" 2>&1 &
baseline=$!; pids+=("$baseline")
await "$dir/baseline.log" "baseline ready"

gen=("${jvm[@]/-Xms512m/-Xms256m}" dev.genapi.bench.LoadGenerator)
json() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<< "$1"; }
per_call() { awk -v t="$1" -v r="$2" -v s="$measure" 'BEGIN{printf "%.1f", t*10000/(r*s)}'; } # ticks are 1/100 s
# the histogram forces a full GC; its total is the live heap, its dev.genapi.* rows GenApi's own objects
# the histograms are kept: per_class prints what one connection holds, class by class
heap() { jcmd "$1" GC.class_histogram 2> /dev/null | tee "$dir/heap-$2.txt" |
  awk '$4 ~ /^dev\.genapi\./ {own += $3} /^Total/ {print $3, own + 0}'; }
per_class() { # label connections: the classes of at least 16 bytes per connection, largest first
  awk -v n="$2" 'FNR == 1 {f++} $1 ~ /^[0-9]+:$/ {b[$4] += (f == 1 ? -$3 : $3); c[$4] += (f == 1 ? -$2 : $2)}
    END {for (k in b) if (b[k] / n >= 16) printf "  %7.0f B  %5.2f per connection  %s\n", b[k] / n, c[k] / n, k}' \
    "$dir/heap-$1-before.txt" "$dir/heap-$1-after.txt" | sort -rn
}
# Opens $idle WebSockets to a server and holds them: prints "KB-per-connection own-bytes-per-connection connections"
idle_heap() { # label port pid
  local before before_own after after_own idle_pid opened
  read -r before before_own <<< "$(heap "$3" "$1-before")"
  "${gen[@]}" idle "$2" "$idle" 0 20 > "$dir/idle-$1.log" 2>&1 &
  idle_pid=$!; pids+=("$idle_pid")
  await "$dir/idle-$1.log" "idle .* connections open"
  sleep 2
  read -r after after_own <<< "$(heap "$3" "$1-after")"
  kill "$idle_pid" 2> /dev/null || true
  wait "$idle_pid" 2> /dev/null || true
  opened=$(sed -nE 's/.*idle ([0-9]+) connections open.*/\1/p' "$dir/idle-$1.log" | tail -1)
  (( opened < idle )) && echo "WARNING: only $opened of $idle idle connections opened to the $1" >&2
  awk -v a="$after" -v b="$before" -v ao="$after_own" -v bo="$before_own" -v n="$opened" \
    'BEGIN{printf "%.1f %.0f %d\n", (a-b)/n/1024, (ao-bo)/n, n}'
}
idle_round() { # label port pid: measures and prints the classes one connection holds
  echo "Idle connections: $idle to the $1" >&2
  local result; result=$(idle_heap "$@")
  read -r idle_kb own_bytes opened <<< "$result"
  echo "idle WebSockets, $1: ${idle_kb} KB of heap per connection, ${own_bytes} B of it GenApi's own ($opened connections):"
  per_class "$1" "$opened"
}
if $idle_only; then
  idle_round baseline "$baseline_port" "$baseline"; baseline_kb=$idle_kb
  idle_round gateway "$gateway_port" "$gateway"
  echo "RESULT_IDLE gateway_kb_per_conn=${idle_kb} baseline_kb_per_conn=${baseline_kb} gateway_own_b_per_conn=${own_bytes}"
  exit 0
fi

# One closed-loop round: prints "calls/s server-us-per-call node-us-per-call", CPU read over the measured window only
closed_round() { # port pid-of-server pid-of-its-node
  "${gen[@]}" closed "$1" "$connections" "$warmup" "$measure" > "$dir/closed.out" &
  local load_pid=$! s0 n0 s1 n1 line
  sleep "$warmup"; s0=$(cpu_ticks "$2"); n0=$(cpu_ticks "$3")
  sleep "$measure"; s1=$(cpu_ticks "$2"); n1=$(cpu_ticks "$3")
  wait "$load_pid"
  line=$(tail -1 "$dir/closed.out"); echo "$line" >&2
  if [[ $(json "$line" closed) != 0 || $(json "$line" timeouts) != 0 ]]; then
    echo "WARNING: connections were lost or calls went unanswered; this round's figures are not valid" >&2
  fi
  echo "$(json "$line" rps) $(per_call $((s1 - s0)) "$(json "$line" rps)") $(per_call $((n1 - n0)) "$(json "$line" rps)")"
}

# One open-loop round at $rate calls/s: sets open_line (the generator's result) and open_cpu (the server's CPU per call
# over the measured window: at a fixed rate neither server gains from batching more calls per wake-up)
open_round() { # port pid-of-server
  "${gen[@]}" open "$1" 32 "$warmup" "$measure" "$rate" > "$dir/open.out" &
  local load_pid=$! s0 s1
  sleep "$warmup"; s0=$(cpu_ticks "$2")
  sleep "$measure"; s1=$(cpu_ticks "$2")
  wait "$load_pid"
  open_line=$(tail -1 "$dir/open.out"); echo "$open_line" >&2
  open_cpu=$(per_call $((s1 - s0)) "$rate")
}

declare -A port_of=([gateway]=$gateway_port [baseline]=$baseline_port) pid_of=([gateway]=$gateway [baseline]=$baseline)
declare -A node_of=([gateway]=$node [baseline]=$node)
if $cluster_tls; then # a second cluster, gateway and node whose event bus runs mutual TLS
  scripts/dev-certs.sh "$dir/certs" member > /dev/null
  tls_env=(env GENAPI_CLUSTER_TLS_CERT="$dir/certs/member.crt" GENAPI_CLUSTER_TLS_KEY="$dir/certs/member.key"
    GENAPI_CLUSTER_TLS_CA="$dir/certs/ca.crt")
  "${tls_env[@]}" "${jvm[@]}" dev.genapi.bench.BenchNode "$name-tls" $((cluster_port + 100)) > "$dir/node-tls.log" 2>&1 &
  node_tls=$!; pids+=("$node_tls")
  await "$dir/node-tls.log" "bench node ready"
  "${tls_env[@]}" "${jvm[@]}" dev.genapi.launcher.Main gateway --cluster-name "$name-tls" \
    --cluster-port $((cluster_port + 100)) --http-port $((gateway_port + 2)) --instances 2 \
    --event-loops "$event_loops" --conf "$dir/conf" > "$dir/gateway-tls.log" 2>&1 &
  port_of[gateway-tls]=$((gateway_port + 2)) pid_of[gateway-tls]=$! node_of[gateway-tls]=$node_tls; pids+=("$!")
  await "$dir/gateway-tls.log" "GenApi gateway ready"
  await "$dir/node-tls.log" "bench node registered"
fi

# rounds alternate gateway-baseline-baseline-gateway, so drift and the order of the two cancel out in the means
declare -A runs
for server in "${order[@]}"; do
  echo "Closed loop, $connections connections: $server" >&2
  runs[$server]+="$(closed_round "${port_of[$server]}" "${pid_of[$server]}" "${node_of[$server]}")"$'\n'
done
mean() { awk -v c="$2" 'NF {s += $c; n++} END {printf (c == 1 ? "%.0f" : "%.1f"), s / n}' <<< "${runs[$1]}"; }
gateway_rps=$(mean gateway 1) gateway_cpu=$(mean gateway 2) gateway_node_cpu=$(mean gateway 3)
baseline_rps=$(mean baseline 1) baseline_cpu=$(mean baseline 2) baseline_node_cpu=$(mean baseline 3)
if $cluster_tls; then
  tls_rps=$(mean gateway-tls 1)
  echo "gateway: ${gateway_rps} calls/s, CPU per call ${gateway_cpu} us (gateway) + ${gateway_node_cpu} us (node)"
  echo "gateway, event-bus TLS: ${tls_rps} calls/s, CPU per call $(mean gateway-tls 2) us (gateway) + $(mean gateway-tls 3) us (node)"
  echo "baseline: ${baseline_rps} calls/s"
  awk -v g="$gateway_rps" -v t="$tls_rps" -v b="$baseline_rps" 'BEGIN{printf "RESULT_TLS gateway_rps=%d gateway_tls_rps=%d baseline_rps=%d ratio=%.2f tls_ratio=%.2f tls_cost=%.2f\n", g, t, b, g/b, t/b, 1 - t/g}'
  exit 0
fi

echo "Open loop, $rate calls/s: gateway" >&2
open_round "$gateway_port" "$gateway"; open=$open_line gateway_open_cpu=$open_cpu
echo "Open loop, $rate calls/s: baseline" >&2
open_round "$baseline_port" "$baseline"; open_base=$open_line baseline_open_cpu=$open_cpu

idle_round baseline "$baseline_port" "$baseline"; baseline_kb=$idle_kb
idle_round gateway "$gateway_port" "$gateway"
ratio=$(awk -v g="$gateway_rps" -v b="$baseline_rps" 'BEGIN{printf "%.2f", g/b}')
echo "gateway: ${gateway_rps} calls/s (mean over $(( ${#order[@]} / 2 )) round(s)), CPU per call ${gateway_cpu} us (gateway) + ${gateway_node_cpu} us (node)"
echo "baseline: ${baseline_rps} calls/s, CPU per call ${baseline_cpu} us (baseline) + ${baseline_node_cpu} us (node)"
echo "open loop at ${rate}/s: p50 $(json "$open" p50_ms) ms, p99 $(json "$open" p99_ms) ms, p99.9 $(json "$open" p999_ms) ms (baseline: p50 $(json "$open_base" p50_ms) ms, p99 $(json "$open_base" p99_ms) ms, p99.9 $(json "$open_base" p999_ms) ms); CPU per call ${gateway_open_cpu} us (gateway), ${baseline_open_cpu} us (baseline)"
cpu_ratio=$(awk -v g="$gateway_cpu" -v b="$baseline_cpu" 'BEGIN{printf "%.2f", g/b}')
open_cpu_ratio=$(awk -v g="$gateway_open_cpu" -v b="$baseline_open_cpu" 'BEGIN{printf "%.2f", g/b}')
echo "RESULT gateway_rps=${gateway_rps} baseline_rps=${baseline_rps} ratio=${ratio} gateway_cpu_us=${gateway_cpu} baseline_cpu_us=${baseline_cpu} cpu_ratio=${cpu_ratio} p50_ms=$(json "$open" p50_ms) p99_ms=$(json "$open" p99_ms) baseline_p99_ms=$(json "$open_base" p99_ms) open_cpu_ratio=${open_cpu_ratio} idle_kb_per_conn=${idle_kb} baseline_idle_kb_per_conn=${baseline_kb} own_b_per_conn=${own_bytes}"
