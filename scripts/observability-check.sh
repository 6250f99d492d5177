#!/usr/bin/env bash
# The chart's dashboard, alerts and autoscaling queries against real parts: Debian's Prometheus
# scrapes a running `bin/stt serve` (plain routing on Debian's nats-server) every second while a
# few sessions stream a recording, then every dashboard query, KEDA trigger query and alert
# expression the chart renders, and each prometheus-adapter rule it ships
# (helm/voice-stt/extras), is evaluated through Prometheus' HTTP API
# (scripts/helm/observability_queries.py: each must return data, or, for an alert that is empty
# while healthy, each of its selectors must; a metric the service does not export fails). Also:
# `promtool check rules` on the rendered PrometheusRule's rules (which Prometheus loads too), and the
# dashboard through Grafana's dashboard linter when a `dashboard-linter` binary is on the PATH, else
# through scripts/helm/lint_dashboard.py (the linter's rules; the Go module proxy refuses the linter).
#
#   bash scripts/observability-check.sh
#
# Needs prometheus and nats-server (scripts/install-system-deps.sh), a built project (mvn package),
# the tiny.en model and the fixtures (scripts/fixtures.sh); builds helm like scripts/helm-check.sh.
# Last line: `observability: N passed, M failed`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

HELM_VERSION=v3.16.3 # as scripts/helm-check.sh
K8S_VERSION=1.30.0
MODEL=$(bash scripts/ensure-model.sh --default-name)
NAMESPACE=stt-obs
POD=voice-stt-obs-0 # the pod label the chart's selectors match: pod=~"voice-stt-.*"
RECORDING=fixtures/streams/multi_utterance.wav
READY_TIMEOUT=180
CACHE=$ROOT/.cache
RUN=$CACHE/observability
export GOPATH=$CACHE/go GOMODCACHE=$CACHE/go/mod GOCACHE=$CACHE/go/build GOTELEMETRY=off
BIN=$CACHE/go/bin

log() { printf 'observability: %s\n' "$*" >&2; }
PASSED=0 FAILED=0
ok() { PASSED=$((PASSED + 1)); log "ok: $*"; }
bad() { FAILED=$((FAILED + 1)); log "FAILED: $*"; }
die() { bad "$*"; exit 1; }

PIDS=()
on_exit() {
  local rc=$? pid i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  [ "$rc" -eq 0 ] || [ "$FAILED" -gt 0 ] || FAILED=1
  [ "$FAILED" -eq 0 ] || log "logs: ${RUN#"$ROOT"/}/"
  echo "observability: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] || exit 1
}
trap on_exit EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for() { # SECONDS WHAT COMMAND...
  local deadline=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "no $what within the time allowed"
    sleep 0.5
  done
}

for tool in prometheus promtool nats-server; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-system-deps.sh)"
done
[ -d target/lib ] || die "target/lib missing: run mvn package first"
[ -f "$RECORDING" ] || die "$RECORDING missing: run scripts/fixtures.sh"
bash scripts/ensure-model.sh "$MODEL" >/dev/null || die "scripts/ensure-model.sh $MODEL failed"
STT_VAD_MODEL_PATH=$(bash scripts/ensure-vad-model.sh | tail -n 1) || die "scripts/ensure-vad-model.sh failed"
export STT_VAD_MODEL_PATH
mkdir -p "$BIN"
[ -x "$BIN/helm" ] || { log "building helm $HELM_VERSION"; GOBIN=$BIN go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2; }

rm -rf "$RUN"
mkdir -p "$RUN"

# What the chart renders with every observability option on.
"$BIN/helm" template voice-stt helm/voice-stt -n "$NAMESPACE" --kube-version "$K8S_VERSION" \
  --set monitoring.dashboard.enabled=true --set monitoring.prometheusRule.enabled=true \
  --set autoscaling.keda.enabled=true >"$RUN/rendered.yaml" || die "helm template"
python3 - "$RUN/rendered.yaml" "$RUN/rules.yaml" "$RUN/voice-stt.json" <<'EOF'
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
rule = next(d for d in docs if d["kind"] == "PrometheusRule")
yaml.safe_dump({"groups": rule["spec"]["groups"]}, open(sys.argv[2], "w"), sort_keys=False)
board = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-dashboard"))
open(sys.argv[3], "w").write(next(iter(board["data"].values())))
EOF

if promtool check rules "$RUN/rules.yaml" >"$RUN/promtool.txt" 2>&1; then
  ok "promtool check rules: $(grep -o 'SUCCESS.*' "$RUN/promtool.txt" | head -1)"
else
  sed 's/^/  | /' "$RUN/promtool.txt" >&2
  bad "promtool check rules"
fi

linter=$(command -v dashboard-linter || true)
[ -n "$linter" ] || [ ! -x "$BIN/dashboard-linter" ] || linter=$BIN/dashboard-linter
if [ -n "$linter" ]; then
  if "$linter" lint --strict "$RUN/voice-stt.json" >"$RUN/dashboard-lint.txt" 2>&1; then
    ok "Grafana dashboard-linter (--strict)"
  else
    sed 's/^/  | /' "$RUN/dashboard-lint.txt" >&2
    bad "Grafana dashboard-linter"
  fi
else
  log "no dashboard-linter binary (github.com/grafana/dashboard-linter is refused by the Go module" \
    "proxy): checking the linter's rules with scripts/helm/lint_dashboard.py"
  if python3 scripts/helm/lint_dashboard.py "$RUN/voice-stt.json" >"$RUN/dashboard-lint.txt" 2>&1; then
    ok "dashboard lint rules ($(tail -1 "$RUN/dashboard-lint.txt"))"
  else
    sed 's/^/  | /' "$RUN/dashboard-lint.txt" >&2
    bad "dashboard lint rules"
  fi
fi

# nats-server, the service, Prometheus.
NATS_PORT=$(free_port)
NATS_URL=nats://127.0.0.1:$NATS_PORT
setsid nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$RUN/nats-server.log" 2>&1 </dev/null &
PIDS+=("$!")

HEALTH_PORT=$(free_port)
NATS_URL=$NATS_URL WHISPER_MODEL_SIZE=$MODEL STT_ROUTING=plain STT_HEALTH_PORT=$HEALTH_PORT \
  OTEL_ENABLED=false STT_LOG_FORMAT=text STT_REPLICA_ID=$POD setsid bin/stt serve >"$RUN/stt.log" 2>&1 </dev/null &
STT_PID=$!
PIDS+=("$STT_PID")
deadline=$(($(date +%s) + READY_TIMEOUT))
until grep -qs "voice-stt ready" "$RUN/stt.log"; do
  kill -0 "$STT_PID" 2>/dev/null || { tail -n 40 "$RUN/stt.log" >&2; die "bin/stt serve exited"; }
  [ "$(date +%s)" -lt "$deadline" ] || die "no 'voice-stt ready' within $READY_TIMEOUT s"
  sleep 0.5
done

PROM_PORT=$(free_port)
PROM=http://127.0.0.1:$PROM_PORT
cat >"$RUN/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["$RUN/rules.yaml"]
scrape_configs:
  - job_name: voice-stt
    static_configs:
      - targets: ["127.0.0.1:$HEALTH_PORT"]
        # What a ServiceMonitor or PodMonitor attaches in a cluster, which the chart selects on.
        labels: {namespace: "$NAMESPACE", pod: "$POD"}
EOF
setsid prometheus --config.file="$RUN/prometheus.yml" --storage.tsdb.path="$RUN/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$RUN/prometheus.log" 2>&1 </dev/null &
PIDS+=("$!")
wait_for 60 "Prometheus ready" curl -sf "$PROM/-/ready"
wait_for 30 "a first scrape of /metrics" \
  sh -c "curl -sf '$PROM/api/v1/query?query=stt_sessions_active' | grep -q '\"value\"'"
START=$(date +%s)
ok "Prometheus scrapes bin/stt serve"

# The load: three sessions at once (one asking for interim results), twice over, at 2x real time.
STREAMS=()
for round in 1 2; do
  for i in 1 2 3; do
    extra=()
    [ "$i" -ne 1 ] || extra=(--interim)
    NATS_URL=$NATS_URL bin/stt stream --speed 2 --timeout 120 --session "obs-$round-$i" "${extra[@]}" \
      "$RECORDING" >"$RUN/stream-$round-$i.txt" 2>&1 &
    STREAMS+=("$!")
  done
  for pid in "${STREAMS[@]}"; do wait "$pid" || die "bin/stt stream failed (see $RUN/stream-*.txt)"; done
  STREAMS=()
done
grep -q . "$RUN/stream-1-2.txt" || die "bin/stt stream printed no result"
ok "6 sessions streamed $RECORDING"
sleep 5 # a few more scrapes after the last result

if python3 scripts/helm/observability_queries.py "$PROM" "$RUN/rendered.yaml" "$START" \
  helm/voice-stt/extras/prometheus-adapter-values.yaml >"$RUN/queries.txt" 2>&1; then
  ok "every dashboard, KEDA and alert query against Prometheus ($(tail -1 "$RUN/queries.txt"))"
else
  grep -v '^ok:' "$RUN/queries.txt" | sed 's/^/  | /' >&2
  bad "queries against Prometheus ($(tail -1 "$RUN/queries.txt"))"
fi

# The check itself bites: the same dashboard with one query on a metric the service does not
# export (stt_sessions_open) must fail, naming it.
sed 's/sum by (pod) (stt_sessions_active{job/sum by (pod) (stt_sessions_open{job/' \
  "$RUN/rendered.yaml" >"$RUN/rendered-wrong.yaml"
if python3 scripts/helm/observability_queries.py "$PROM" "$RUN/rendered-wrong.yaml" "$START" \
  >"$RUN/queries-wrong.txt" 2>&1; then
  bad "a dashboard query on stt_sessions_open (not exported) passed the query check"
elif grep -q "not exported: \['stt_sessions_open'\]" "$RUN/queries-wrong.txt"; then
  ok "a dashboard query on a metric the service does not export fails the query check"
else
  bad "the query check failed without naming stt_sessions_open ($(tail -1 "$RUN/queries-wrong.txt"))"
fi
