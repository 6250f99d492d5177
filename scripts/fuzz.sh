#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer (docs/decisions/0008-fuzzing.md): the input decoder
# (MessageDecoderFuzzTest), session handling (IngressFuzzTest) and the whisper-server's upload
# parsers (WavReaderFuzzTest, MultipartFormFuzzTest), one after the other, each for DURATION.
# Ordinary test runs only replay the seed corpus; this mutates it.
#
#   scripts/fuzz.sh              12 s per target, the bounded run scripts/test.sh does in CI
#   scripts/fuzz.sh 30m          a longer run (or STT_FUZZ_DURATION=30m scripts/test.sh)
#
# New coverage accumulates in .cifuzz-corpus/ (not in git). A finding fails the run and Jazzer
# writes the input next to the seeds under src/test/resources/.../*FuzzTestInputs/, where every
# later test run replays it: fix the bug, rename the file to say what it found, commit it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh
duration=${1:-${STT_FUZZ_DURATION:-12s}}

mvn -B -ntp -q test-compile
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in MessageDecoderFuzzTest IngressFuzzTest WavReaderFuzzTest MultipartFormFuzzTest; do
  echo "fuzz: $target for $duration" >&2
  # The fuzz-tests surefire execution runs @FuzzTest methods in their own JVM (-Xmx256m).
  status=0
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$duration \
    mvn -B -ntp -q surefire:test@fuzz-tests -Dtest="$target" >"$log" 2>&1 || status=$?
  grep -E '^Done [0-9]+ runs' "$log" >&2 || true
  if [ "$status" -ne 0 ]; then
    grep -vE '^INFO: (Instrumented|Loaded)' "$log" | tail -n 80 >&2
    echo "fuzz: $target found a problem (input saved under src/test/resources)" >&2
    exit 1
  fi
done
