#!/usr/bin/env bash
# Builds target/genapi.jar when it is missing or older than the sources, then runs GenApi.
# Usage: scripts/run.sh [gateway|node|all-in-one] [options]   (default role: all-in-one; --help lists options)
set -euo pipefail
cd "$(dirname "$0")/.."

role=all-in-one
if [[ $# -gt 0 && $1 != --* ]]; then
  role=$1
  shift
fi
# GENAPI_CLASSPATH runs compiled classes instead of the jar (the tests use it)
if [[ -n ${GENAPI_CLASSPATH:-} ]]; then
  # shellcheck disable=SC2086
  exec java ${JAVA_OPTS:-} -cp "$GENAPI_CLASSPATH" dev.genapi.launcher.Main "$role" "$@"
fi
if [[ ! -f target/genapi.jar ]] || [[ -n "$(find src pom.xml -newer target/genapi.jar -print -quit)" ]]; then
  echo "Building target/genapi.jar ..." >&2
  mvn -B -q package -DskipTests
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar target/genapi.jar "$role" "$@"
