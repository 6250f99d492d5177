#!/usr/bin/env bash
# The main job, offline on a fresh machine: ensures the model and a sample recording, starts a
# local nats-server when none answers at NATS_URL, starts the service, streams the recording in
# 20 ms chunks at real-time pace, prints each result and the transcript, then stops.
#
#   scripts/demo.sh [FILE.wav]      (default: fixtures/streams/multi_utterance.wav)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh

bash scripts/install-system-deps.sh
model=$(bash scripts/ensure-model.sh "${WHISPER_MODEL_SIZE:-}" | tail -n 1)
export STT_VAD_MODEL_PATH=${STT_VAD_MODEL_PATH:-$(bash scripts/ensure-vad-model.sh | tail -n 1)}
# whisper.cpp 1.7.1 built for this CPU from native/ (decisions/0034); bin/stt would build it too.
export STT_WHISPER_LIBRARY_DIR=${STT_WHISPER_LIBRARY_DIR:-$(bash scripts/build-whisper-cpu.sh)}
bash scripts/fixtures.sh
file=${1:-fixtures/streams/multi_utterance.wav}

export NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
hostport=${NATS_URL#*://}
hostport=${hostport%%,*}
host=${hostport%:*}
port=${hostport##*:}
logs=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "demo: no NATS server at $NATS_URL; starting a local nats-server" >&2
  nats-server -a "$host" -p "$port" >"$logs/nats.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break; sleep 0.1; done
fi

echo "demo: starting the service with $model" >&2
STT_MODEL_PATH=$model STT_HEALTH_PORT=${STT_HEALTH_PORT:-0} STT_LOG_FORMAT=${STT_LOG_FORMAT:-text} bin/stt serve 2>"$logs/stt.log" &
pids+=($!)
for _ in $(seq 600); do
  grep -q "voice-stt ready" "$logs/stt.log" 2>/dev/null && break
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then cat "$logs/stt.log" >&2; exit 1; fi
  sleep 0.2
done
grep "voice-stt ready" "$logs/stt.log" >&2 || { cat "$logs/stt.log" >&2; exit 1; }

bin/stt stream "$file"
ref=${file%.wav}.txt
if [ -f "$ref" ]; then
  echo "reference:  $(tr '\n' ' ' <"$ref")"
fi
