#!/usr/bin/env bash
# The project's benchmark command: the service under load (N real-time sessions over a real
# nats-server) against the raw whisper.cpp floor and the faster-whisper peer, same utterances,
# same thread count, one run. Writes target/bench/{bench.json,peer.json,summary.md} and
# docs/benchmarks-latency.png; prints the tables.
#
#   scripts/bench.sh [stt bench options, e.g. --sessions 1,2,4 --threads 2]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh
bash scripts/install-system-deps.sh
bash scripts/ensure-model.sh >/dev/null
STT_VAD_MODEL_PATH=$(bash scripts/ensure-vad-model.sh | tail -n 1)
export STT_VAD_MODEL_PATH
bash scripts/fixtures.sh
deps=.cache/pydeps-bench
if [ ! -d "$deps/faster_whisper" ] || [ ! -d "$deps/matplotlib" ]; then
  echo "bench: installing faster-whisper and matplotlib into $deps" >&2
  python3 -m pip install --quiet --disable-pip-version-check --target "$deps" faster-whisper matplotlib >&2
fi

threads=1
workers=$(nproc)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --threads) threads=${args[i + 1]} ;;
    --workers) workers=${args[i + 1]} ;;
  esac
done
[ "$workers" = 0 ] && workers=$(( $(nproc) / threads ))

mkdir -p target/bench
bin/stt bench --out target/bench/bench.json "$@"
PYTHONPATH=$deps python3 scripts/bench/peer_faster_whisper.py --model models/ct2-tiny.en \
  --fixtures fixtures --threads "$threads" --workers "$workers" --out target/bench/peer.json
PYTHONPATH=$deps python3 scripts/bench/report.py --bench target/bench/bench.json \
  --peer target/bench/peer.json --plot docs/benchmarks-latency.png --markdown target/bench/summary.md
