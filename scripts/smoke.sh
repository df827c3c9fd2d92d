#!/usr/bin/env bash
# Calls the demo over every transport (WebSocket, SockJS, Phoenix, HTTP) of each gateway given, e.g.
#   scripts/smoke.sh http://127.0.0.1:18080 http://127.0.0.1:18081
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d src/test/node/node_modules/phoenix ]] || (cd src/test/node && npm ci --no-audit --no-fund --loglevel=error)
status=0
for url in "${@:-http://127.0.0.1:8080}"; do
  node src/test/node/smoke.js "$url" || status=1
done
exit $status
