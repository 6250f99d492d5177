#!/usr/bin/env bash
# Latency added by the HTTP hop: starts `stt whisper-server` on a free loopback port, runs
# `stt bench-http` against it (same model and whisper settings in process), stops the server.
# Usage: scripts/bench-http.sh [MODEL] [ROUNDS]     (figures go in docs/benchmarks.md, "HTTP hop")
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh
model=${1:-$(bash scripts/ensure-model.sh | tail -n 1)}
rounds=${2:-5}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
bin/stt whisper-server --host 127.0.0.1 --port "$port" --model "$model" --threads 1 --workers 1 \
  --audio-ctx auto >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1)"
echo "model: $model, 1 worker x 1 thread, audio_ctx auto, both sides"
bin/stt bench-http --url "http://127.0.0.1:$port" --model "$model" --threads 1 --audio-ctx auto \
  --rounds "$rounds"
