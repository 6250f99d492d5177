#!/usr/bin/env bash
# What JetStream routing (several replicas, decision 0012) costs per chunk against the plain
# subscription: N sessions stream silence at real time (20 ms chunks, so whisper never runs and
# only the ingest path is measured) through one `stt serve` and one nats-server, once per mode;
# CPU is read from /proc for both processes. Figures: docs/benchmarks.md "Routing".
#
#   scripts/routing-cost.sh [sessions=16] [seconds=30]
#
# Needs what scripts/test.sh installs: the nats-server build (.cache/go/bin) and nats-py
# (.cache/pydeps-interop, from scripts/interop/run.sh), and the project's model (scripts/ensure-model.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
n=${1:-16}
d=${2:-30}
server=${STT_NATS_SERVER:-$ROOT/.cache/go/bin/nats-server}
[ -x "$server" ] || bash scripts/ensure-nats-server.sh >/dev/null
pydeps=$ROOT/.cache/pydeps-interop
[ -d "$pydeps/nats" ] || python3 -m pip install --quiet --target "$pydeps" nats-py msgpack
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
for mode in plain jetstream; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  args=(-a 127.0.0.1 -p "$port")
  [ "$mode" = jetstream ] && args+=(-js -sd "$work/js-$port")
  "$server" "${args[@]}" >"$work/nats-$mode.log" 2>&1 &
  nats_pid=$!
  sleep 1
  NATS_URL=nats://127.0.0.1:$port STT_ROUTING=$mode STT_HEALTH_PORT=0 OTEL_ENABLED=false \
    STT_MODEL_PATH=$(bash scripts/ensure-model.sh | tail -n 1) bin/stt serve >"$work/serve-$mode.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 120); do grep -q "voice-stt ready" "$work/serve-$mode.log" && break; sleep 1; done
  grep -q "voice-stt ready" "$work/serve-$mode.log" || { cat "$work/serve-$mode.log"; exit 1; }
  s0=$(ticks $serve_pid) && n0=$(ticks $nats_pid)
  sent=$(PYTHONPATH=$pydeps python3 scripts/routing_load.py "$n" "$d" "nats://127.0.0.1:$port" | awk '{print $2}')
  sleep 2
  s1=$(ticks $serve_pid) && n1=$(ticks $nats_pid)
  awk -v m="$mode" -v c="$sent" -v s=$((s1 - s0)) -v t=$((n1 - n0)) -v hz="$hz" 'BEGIN {
    printf "%-9s %d chunks: service %.1f us/chunk, nats-server %.1f us/chunk, total %.1f us/chunk\n",
      m, c, s / hz * 1e6 / c, t / hz * 1e6 / c, (s + t) / hz * 1e6 / c }'
  kill "$serve_pid" "$nats_pid"
  wait "$serve_pid" "$nats_pid" 2>/dev/null || true
done
