#!/usr/bin/env bash
# The evaluation run (issue 23, item 4): makes the evaluation set (scripts/eval-set.sh) and runs
# `stt eval` on it: WER per subset for offline whisper.cpp (the floor), the same files streamed
# through the real service over NATS, and the faster-whisper peer (int8, beam 5, full window,
# same tiny.en weights). Writes target/eval/eval.json and target/eval/eval.json.md (the table).
# Not part of scripts/test.sh: several minutes on 2 cores.
#
#   scripts/eval.sh [stt eval options]      e.g. --offline auto,768,full,auto:beam5 --every 3
# Defaults: --offline auto --streamed auto --peer-faster-whisper, the whole set.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh
bash scripts/ensure-model.sh >/dev/null
: "${STT_NATS_SERVER:=$(bash scripts/ensure-nats-server.sh)}"
export STT_NATS_SERVER
manifest=$(bash scripts/eval-set.sh | tail -n 1)
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--peer-faster-whisper)
nice -n 15 bin/stt eval --manifest "$manifest" "${args[@]}"
