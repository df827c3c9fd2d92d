#!/usr/bin/env bash
# A local GenApi cluster on loopback: N gateways and M demo nodes, each its own JVM, logs and pids in target/cluster/.
#   scripts/cluster.sh start [gateways=2] [nodes=2] [--prometheus]
#                                                      gateways listen on BASE_HTTP_PORT, +1, ... (default 18080);
#                                                      --prometheus also runs Debian's prometheus, scraping every
#                                                      gateway's /metrics, on 127.0.0.1:PROMETHEUS_PORT (19090)
#   scripts/cluster.sh stop                            SIGTERM (graceful drain), then SIGKILL after 40 s
#   scripts/cluster.sh status
# Environment: GENAPI_CLUSTER_NAME (default genapi-local), GENAPI_CLUSTER_PORT (Hazelcast base port, 15701),
# PROMETHEUS_SCRAPE_INTERVAL (5s).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/cluster
mkdir -p "$dir"
export GENAPI_CLUSTER_NAME=${GENAPI_CLUSTER_NAME:-genapi-local}
base=${BASE_HTTP_PORT:-18080}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2> /dev/null; }

# Writes a configuration that scrapes every gateway, and starts prometheus with its data under target/cluster.
prometheus_start() {
  local gateways=$1 port=${PROMETHEUS_PORT:-19090} targets=""
  command -v prometheus > /dev/null || { echo "prometheus is not installed (apt-get install prometheus)" >&2; return 1; }
  for i in $(seq 1 "$gateways"); do targets+="${targets:+, }'127.0.0.1:$((base + i - 1))'"; done
  cat > "$dir/prometheus.yml" <<YAML
global:
  scrape_interval: ${PROMETHEUS_SCRAPE_INTERVAL:-5s}
scrape_configs:
  - job_name: genapi
    static_configs:
      - targets: [$targets]
YAML
  rm -rf "$dir/prometheus-data"
  nohup prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prometheus-data" \
    --web.listen-address="127.0.0.1:$port" > "$dir/prometheus.log" 2>&1 &
  echo $! > "$dir/prometheus.pid"
  echo "prometheus on http://127.0.0.1:$port"
}

start() {
  local with_prometheus=0 counts=()
  for arg in "$@"; do
    if [[ $arg == --prometheus ]]; then with_prometheus=1; else counts+=("$arg"); fi
  done
  local gateways=${counts[0]:-2} nodes=${counts[1]:-2}
  if [[ -z ${GENAPI_CLASSPATH:-} ]] && { [[ ! -f target/genapi.jar ]] || [[ -n "$(find src pom.xml -newer target/genapi.jar -print -quit)" ]]; }; then
    mvn -B -q package -DskipTests
  fi
  for i in $(seq 1 "$gateways"); do
    nohup scripts/run.sh gateway --http-port $((base + i - 1)) > "$dir/gateway-$i.log" 2>&1 &
    echo $! > "$dir/gateway-$i.pid"
  done
  for i in $(seq 1 "$nodes"); do
    nohup scripts/run.sh node --node-name "local-node-$i" > "$dir/node-$i.log" 2>&1 &
    echo $! > "$dir/node-$i.pid"
  done
  [[ $with_prometheus == 1 ]] && prometheus_start "$gateways"
  for _ in $(seq 1 180); do
    local waiting=0
    for i in $(seq 1 "$gateways"); do grep -q "GenApi gateway ready" "$dir/gateway-$i.log" || waiting=1; done
    for i in $(seq 1 "$nodes"); do grep -q "pushed its functions" "$dir/node-$i.log" || waiting=1; done
    [[ $waiting == 0 ]] && { status; return 0; }
    sleep 0.5
  done
  echo "the cluster did not come up within 90 s; see $dir/*.log" >&2
  return 1
}

stop() {
  for pid in "$dir"/*.pid; do
    [[ -f $pid ]] && alive "$pid" && kill -TERM "$(cat "$pid")"
  done
  for _ in $(seq 1 80); do
    local running=0
    for pid in "$dir"/*.pid; do alive "$pid" && running=1; done
    [[ $running == 0 ]] && break
    sleep 0.5
  done
  for pid in "$dir"/*.pid; do
    [[ -f $pid ]] || continue
    alive "$pid" && kill -KILL "$(cat "$pid")"
    rm -f "$pid"
  done
  echo "stopped"
}

status() {
  for pid in "$dir"/*.pid; do
    [[ -f $pid ]] || continue
    if alive "$pid"; then echo "$(basename "$pid" .pid) running (pid $(cat "$pid"))"; else echo "$(basename "$pid" .pid) stopped"; fi
  done
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh start [gateways] [nodes] [--prometheus] | stop | status" >&2; exit 2 ;;
esac
