#!/usr/bin/env bash
# Runs GenApi's tests on a fresh machine: installs what the tests drive besides the JDK and Maven (Debian's Chromium
# for the playground's browser test, Debian's Prometheus for the scrape test; the npm clients come from
# src/test/node/package-lock.json, the TypeScript client's compiler and ws from clients/ts/package-lock.json), then
# runs `mvn -B verify`. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v "${CHROMIUM:-chromium}" > /dev/null 2>&1 || ! command -v prometheus > /dev/null 2>&1; then
  echo "Installing Debian's chromium (the browser test) and prometheus (the scrape test) ..." >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium prometheus
fi
(cd src/test/node && npm ci --no-audit --no-fund --loglevel=error)
(cd clients/ts && npm ci --no-audit --no-fund --loglevel=error)
exec mvn -B verify "$@"
