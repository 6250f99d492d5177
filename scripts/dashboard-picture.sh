#!/usr/bin/env bash
# The chart's dashboard over a bench run, as a picture (docs/operations.md, "Scaling"): Debian's
# Prometheus scrapes the service that `stt bench` starts at each load level (a fixed /metrics port),
# then scripts/helm/render_dashboard.py draws every panel with the dashboard's own queries.
#
#   bash scripts/dashboard-picture.sh [OUT.png] [bench options...]
#
# Default: docs/images/dashboard-bench.png over `--sessions 1,8,16 --routing jetstream`. Needs what
# scripts/observability-check.sh needs (prometheus, the built project, the model, the fixtures,
# helm built into .cache/go/bin) and matplotlib (installed into .cache/pydeps).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${1:-docs/images/dashboard-bench.png}
shift || true
BENCH_ARGS=("$@")
[ ${#BENCH_ARGS[@]} -gt 0 ] || BENCH_ARGS=(--sessions 1,8,16 --routing jetstream)
RUN=$ROOT/.cache/dashboard-picture
rm -rf "$RUN" && mkdir -p "$RUN" "$(dirname "$OUT")"
PYDEPS=$ROOT/.cache/pydeps
PYTHONPATH=$PYDEPS python3 -c 'import matplotlib, yaml' 2>/dev/null ||
  python3 -m pip install --quiet --target "$PYDEPS" matplotlib pyyaml >&2
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$ROOT/.cache/go/bin/helm" template voice-stt helm/voice-stt -n stt-obs --kube-version 1.30.0 \
  --set monitoring.dashboard.enabled=true >"$RUN/rendered.yaml"
PYTHONPATH=$PYDEPS python3 - "$RUN/rendered.yaml" "$RUN/voice-stt.json" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
board = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-dashboard"))
open(sys.argv[2], "w").write(next(iter(board["data"].values())))
PY

HEALTH_PORT=$(free_port)
PROM_PORT=$(free_port)
cat >"$RUN/prometheus.yml" <<YML
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: voice-stt
    static_configs:
      - targets: ["127.0.0.1:$HEALTH_PORT"]
        labels: {namespace: "stt-obs", pod: "voice-stt-bench-0"}
YML
setsid prometheus --config.file="$RUN/prometheus.yml" --storage.tsdb.path="$RUN/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$RUN/prometheus.log" 2>&1 </dev/null &
PROM_PID=$!
trap 'kill -TERM -- "-$PROM_PID" 2>/dev/null || true' EXIT
START=$(date +%s)
bin/stt bench "${BENCH_ARGS[@]}" --health-port "$HEALTH_PORT" --out "$RUN/bench.json" | tee "$RUN/bench.txt"
END=$(date +%s)
PYTHONPATH=$PYDEPS python3 scripts/helm/render_dashboard.py "http://127.0.0.1:$PROM_PORT" \
  "$RUN/voice-stt.json" "$START" "$END" "$OUT" \
  "bin/stt bench ${BENCH_ARGS[*]} ($(nproc) cores, $(date -u +%F))"
