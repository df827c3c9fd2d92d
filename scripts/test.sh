#!/usr/bin/env bash
# Runs GenApi's tests on a fresh machine: installs what the tests drive besides the JDK and Maven (Debian's Chromium
# for the playground's browser test; the npm clients are installed by the tests themselves from
# src/test/node/package-lock.json), then runs `mvn -B verify`. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v "${CHROMIUM:-chromium}" > /dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser test ..." >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium
fi
(cd src/test/node && npm ci --no-audit --no-fund --loglevel=error)
exec mvn -B verify "$@"
