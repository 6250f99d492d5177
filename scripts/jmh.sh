#!/usr/bin/env bash
# JMH micro-benchmarks of the ingest path (src/test/java/ai/voice/stt/jmh). Extra arguments go to
# JMH, e.g. scripts/jmh.sh -f 1 -wi 2 -i 3 IngestBenchmark.decodeChunk
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh
bash scripts/fixtures.sh
mvn -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2
flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
exec java "${flags[@]}" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.openjdk.jmh.Main -jvmArgsAppend "${flags[*]}" "$@"
