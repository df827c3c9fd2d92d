#!/usr/bin/env bash
# Scale probe for docs/scaling.md: for a few (gateways, nodes) points, G gateways and N demo service nodes as
# clustered members of one JVM on loopback, each measured idle, under calls, pushes to a user and relay group sends
# at a bounded rate. Prints one JSON line per point (prefixed SCALE), about 6 minutes in all.
#   scripts/scale.sh                      points "2x2 4x2 2x8 4x8", 6 s windows, 100 calls (or pushes) a second
#   SCALE_POINTS="3x4" SCALE_WINDOW_MS=10000 SCALE_RATE=200 scripts/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."

points=${SCALE_POINTS:-2x2 4x2 2x8 4x8} window=${SCALE_WINDOW_MS:-6000} rate=${SCALE_RATE:-100}
echo "Building ..." >&2
nice -n 19 mvn -B -q -o -Pjmh test-compile dependency:build-classpath -Dmdep.outputFile=target/scale-classpath.txt \
  -Dmdep.includeScope=test
dir=target/scale
# the probe runs from a copy of the classes, so a Maven build started meanwhile cannot change them under it
rm -rf "$dir" && mkdir -p "$dir" && cp -r target/classes "$dir/classes" && cp -r target/test-classes "$dir/test-classes"
cp="$dir/test-classes:$dir/classes:$(cat target/scale-classpath.txt)"
for point in $points; do
  gateways=${point%x*} nodes=${point#*x}
  echo "Probing $gateways gateways, $nodes nodes ..." >&2
  timeout 180 nice -n 19 java -Xms256m -Xmx1g -XX:+UseParallelGC -Djava.net.preferIPv4Stack=true \
    -Dhazelcast.phone.home.enabled=false --add-opens java.base/java.lang=ALL-UNNAMED \
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp" dev.genapi.bench.ScaleProbe "$gateways" "$nodes" \
    "$window" "$rate" > "$dir/probe-$point.log" 2>&1 || { echo "probe $point failed: $dir/probe-$point.log" >&2; exit 1; }
  echo "SCALE $(grep '^{"gateways"' "$dir/probe-$point.log" | tail -1)"
done
