#!/usr/bin/env bash
# CI check of the NATS micro Service API: starts nats-server and `bin/stt serve`, then asks the
# real NATS CLI (`nats micro ls`, `nats micro info voice-stt`, `nats micro stats voice-stt`) and
# checks that it names the service and its stt.status endpoint, and that the endpoint answers.
#
#   bash scripts/micro-check.sh
#
# Needs what scripts/interop/run.sh needs (it builds the NATS CLI into .cache/go/bin/nats the same
# way when missing) and a built project (mvn package: target/classes + target/lib).
# Last line: `micro: 1 passed, 0 failed` or `micro: 0 passed, 1 failed`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

NATSCLI_VERSION=v0.4.0 # the version scripts/interop/run.sh pins
MODEL=$(bash scripts/ensure-model.sh --default-name)
READY_TIMEOUT=180
CACHE=$ROOT/.cache
GOROOT_CACHE=$CACHE/go
NATS_CLI=$GOROOT_CACHE/bin/nats
RUN=$CACHE/micro

log() { printf 'micro: %s\n' "$*" >&2; }
FAILURE=
fail() {
  FAILURE=$*
  exit 1
}

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
  if [ "$rc" -eq 0 ]; then
    echo "micro: 1 passed, 0 failed"
  else
    log "FAILED: ${FAILURE:-a command failed (exit status $rc)}"
    log "logs: ${RUN#"$ROOT"/}/"
    echo "micro: 0 passed, 1 failed"
  fi
  exit "$rc"
}
trap on_exit EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if ! [ -x "$NATS_CLI" ] || [ "$("$NATS_CLI" --version 2>/dev/null)" != "$NATSCLI_VERSION" ]; then
  command -v go >/dev/null || fail "go is not installed (needed to build the NATS CLI)"
  log "building the NATS CLI $NATSCLI_VERSION"
  GOPATH=$GOROOT_CACHE GOMODCACHE=$GOROOT_CACHE/pkg/mod GOCACHE=$GOROOT_CACHE/build \
    GOBIN=$GOROOT_CACHE/bin GOFLAGS=-modcacherw XDG_CONFIG_HOME=$GOROOT_CACHE/config \
    go install -ldflags "-X main.version=$NATSCLI_VERSION" \
    "github.com/nats-io/natscli/nats@$NATSCLI_VERSION" >&2 \
    || fail "could not build the NATS CLI (scripts/interop/run.sh has a fallback for strict proxies)"
fi
command -v nats-server >/dev/null || fail "nats-server is not installed (scripts/install-system-deps.sh)"
[ -d target/lib ] || fail "target/lib missing: run mvn package first"
bash scripts/ensure-model.sh "$MODEL" >/dev/null || fail "scripts/ensure-model.sh $MODEL failed"

rm -rf "$RUN"
mkdir -p "$RUN"
NATS_URL=nats://127.0.0.1:$(free_port)
setsid nats-server -a 127.0.0.1 -p "${NATS_URL##*:}" >"$RUN/nats-server.log" 2>&1 </dev/null &
PIDS+=("$!")

NATS_URL=$NATS_URL WHISPER_MODEL_SIZE=$MODEL STT_HEALTH_PORT=0 OTEL_ENABLED=false \
  STT_LOG_FORMAT=text setsid bin/stt serve >"$RUN/stt.log" 2>&1 </dev/null &
STT_PID=$!
PIDS+=("$STT_PID")
deadline=$(($(date +%s) + READY_TIMEOUT))
until grep -q "voice-stt ready" "$RUN/stt.log"; do
  kill -0 "$STT_PID" 2>/dev/null || { tail -n 40 "$RUN/stt.log" >&2; fail "bin/stt serve exited"; }
  [ "$(date +%s)" -lt "$deadline" ] || fail "no 'voice-stt ready' within $READY_TIMEOUT s"
  sleep 0.5
done

nats_() { "$NATS_CLI" --server "$NATS_URL" "$@"; }
expect() { # FILE TEXT: the CLI's output names TEXT
  grep -qF -- "$2" "$1" || { sed 's/^/  | /' "$1" >&2; fail "'$2' not in the output of ${1##*/}"; }
}

nats_ micro ls >"$RUN/micro-ls.txt" 2>&1 || fail "nats micro ls failed"
expect "$RUN/micro-ls.txt" voice-stt
log "nats micro ls lists voice-stt"

nats_ micro info voice-stt >"$RUN/micro-info.txt" 2>&1 || fail "nats micro info voice-stt failed"
cat "$RUN/micro-info.txt" >&2
expect "$RUN/micro-info.txt" voice-stt
expect "$RUN/micro-info.txt" stt.status
expect "$RUN/micro-info.txt" ai.voice.stream.*

nats_ request stt.status '' --raw >"$RUN/status.json" 2>"$RUN/status.err" || fail "stt.status did not answer"
expect "$RUN/status.json" '"ready":true'
log "stt.status: $(cat "$RUN/status.json")"

nats_ micro stats voice-stt >"$RUN/micro-stats.txt" 2>&1 || fail "nats micro stats voice-stt failed"
expect "$RUN/micro-stats.txt" voice-stt
