#!/usr/bin/env bash
# Builds and runs the JMH micro-benchmarks of src/jmh/java. Arguments go to JMH, e.g.
#   scripts/jmh.sh RateLimiterBenchmark -f 1 -wi 3 -i 5
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pjmh test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main "$@"
