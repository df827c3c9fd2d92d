#!/usr/bin/env bash
# Chaos run on loopback, about 2 minutes: 2 gateway JVMs and 2-3 node JVMs of one cluster, clients in a closed loop
# over both gateways (ChaosLoad), while processes are killed, stopped and frozen for real:
#   t=8s  kill -9 node A          t=12s start node C         t=22s SIGTERM node B (once C is ready)
#   t=26s start node D
#   t=34s SIGTERM gateway 1 (its clients get the drain frame and move to gateway 2)
#   t=44s SIGSTOP node C (once D is ready) for 15 s (longer than the cluster's heartbeat timeout), then SIGCONT
# The last line is the load's: CHAOS sent=.. answered=.. ok=.. failed=.. lost=.. unanswered=.. duplicates=..
#   scripts/chaos.sh [clients (default 32)] [functions (default echo,get_user@1.0.0)]
# Logs of every process stay in target/chaos/.
set -euo pipefail
cd "$(dirname "$0")/.."

clients=${1:-32} functions=${2:-echo,get_user@1.0.0} seconds=80

echo "Building ..." >&2
mvn -B -q -Pjmh test-compile dependency:build-classpath -Dmdep.outputFile=target/chaos-classpath.txt -Dmdep.includeScope=test
dir=target/chaos
rm -rf "$dir" && mkdir -p "$dir" && cp -r target/classes "$dir/classes" && cp -r target/test-classes "$dir/test-classes"
cp="$dir/test-classes:$dir/classes:$(cat target/chaos-classpath.txt)"
cluster=(--cluster-name "genapi-chaos-$$" --cluster-port $((20000 + RANDOM % 9000)))
port1=$((30000 + RANDOM % 5000)) port2=$((35000 + RANDOM % 5000))
jvm=(java -Xms256m -Xmx256m -Djava.net.preferIPv4Stack=true --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp")
declare -A pid
cleanup() { for p in "${pid[@]}"; do kill -CONT "$p" 2> /dev/null || true; kill -9 "$p" 2> /dev/null || true; done; }
trap cleanup EXIT

await() { # file text
  for _ in $(seq 1 240); do grep -q "$2" "$1" 2> /dev/null && return 0; sleep 0.5; done
  echo "timed out waiting for '$2' in $1" >&2; exit 1
}
start() { # name role options...
  local name=$1; shift
  "${jvm[@]}" dev.genapi.launcher.Main "$@" "${cluster[@]}" > "$dir/$name.log" 2>&1 & pid[$name]=$!
}
node() { start "node-$1" node --node-name "chaos-$1"; }
event() { echo "chaos t=$(( $(date +%s) - t0 ))s: $*" >&2; }

start gateway-1 gateway --http-port "$port1"
start gateway-2 gateway --http-port "$port2"
await "$dir/gateway-1.log" "GenApi gateway ready"
await "$dir/gateway-2.log" "GenApi gateway ready"
node a
node b
await "$dir/node-a.log" "pushed its functions"
await "$dir/node-b.log" "pushed its functions"

"${jvm[@]}" dev.genapi.bench.ChaosLoad "$seconds" "$clients" "$functions" "$port1" "$port2" \
  > "$dir/load.out" 2> "$dir/load.err" & load=$!
t0=$(date +%s)
at() { local wait=$(( t0 + $1 - $(date +%s) )); (( wait > 0 )) && sleep "$wait"; return 0; }

at 8;  event "kill -9 node A";  kill -9 "${pid[node-a]}"
at 12; event "start node C";    node c
at 22; await "$dir/node-c.log" "pushed its functions"  # as an orchestrator: the new node is ready first
event "SIGTERM node B";  kill -TERM "${pid[node-b]}"
at 26; event "start node D";    node d
at 34; event "SIGTERM gateway 1"; kill -TERM "${pid[gateway-1]}"
at 44; await "$dir/node-d.log" "pushed its functions"
event "SIGSTOP node C";  kill -STOP "${pid[node-c]}"
sleep 15; event "SIGCONT node C"; kill -CONT "${pid[node-c]}"

wait "$load"
grep -h "chaos lost" "$dir/load.err" | head -20 >&2 || true
for log in "$dir"/*.log; do
  traces=$(grep -c "^\s*at " "$log" || true)
  (( traces > 0 )) && echo "$(basename "$log"): $traces stack trace lines" >&2
done
tail -1 "$dir/load.out"
