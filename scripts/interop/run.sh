#!/usr/bin/env bash
# Interop check for CI, with the three kinds of client the wire contract names,
# each on its unchanged third-party libraries: a Python client (nats-py, msgpack)
# streams a recording to `bin/stt serve` and checks the results while the real
# NATS CLI (`nats sub --raw`) captures the same results off the bus; then a Node
# client (nats, @msgpack/msgpack) barges in on a session in `responding` state
# and checks the interrupt and the transcripts.
#
#   bash scripts/interop/run.sh
#
# Self-contained and idempotent: everything it installs or writes stays under
# .cache/ (git-ignored):
#   .cache/pydeps-interop/   nats-py + msgpack (pip --target)
#   .cache/node-interop/     nats + @msgpack/msgpack (npm --prefix)
#   .cache/go/               GOPATH, module and build caches, bin/nats
#   .cache/interop/          logs and captures of the latest run
# It needs python3 with pip, node with npm, go, and nats-server (apt-get installed
# if missing).
# The last line of output is `interop: 1 passed, 0 failed` or
# `interop: 0 passed, 1 failed`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

NATS_PY_VERSION=2.16.0
MSGPACK_VERSION=1.2.4
NODE_NATS_VERSION=2.29.3
NODE_MSGPACK_VERSION=3.1.3
NATSCLI_VERSION=v0.4.0 # natscli v0.5.0 needs orbit.go module versions some proxies do not serve
MODEL=$(bash scripts/ensure-model.sh --default-name)
WAV=fixtures/streams/multi_utterance.wav
REFERENCE=fixtures/streams/multi_utterance.txt
NODE_WAV=fixtures/streams/multi_utterance_2.wav
NODE_REFERENCE=fixtures/streams/multi_utterance_2.txt
# Measured 28.6%: 5 of its 8 errors are "two nine three four zero" heard as "29340.", a digit
# string the normaliser does not split. A broken pipeline gives ~100%.
NODE_MAX_WER=0.4
READY_TIMEOUT=180

CACHE=$ROOT/.cache
PYDEPS=$CACHE/pydeps-interop
NODEDEPS=$CACHE/node-interop
GOROOT_CACHE=$CACHE/go
NATS_CLI=$GOROOT_CACHE/bin/nats
RUN=$CACHE/interop
T0=$(date +%s.%N)

log() { printf 'interop: %s\n' "$*" >&2; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
FAILURE=
fail() {
  FAILURE=$*
  exit 1
}

# ---------------------------------------------------------------- cleanup/exit
PIDS=() # "pid:name", killed in reverse order
on_exit() {
  local rc=$? entry pid name i wait_tenths
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    entry=${PIDS[i]} pid=${entry%%:*} name=${entry#*:}
    if kill -0 "$pid" 2>/dev/null; then
      # the service runs in its own process group (setsid): end the group
      if [ "$name" = stt ]; then kill -TERM -- "-$pid" 2>/dev/null || true; fi
      kill -TERM "$pid" 2>/dev/null || true
      # the service may take its shutdown grace (20 s by default); the others stop at once
      wait_tenths=50
      [ "$name" = stt ] && wait_tenths=250
      for _ in $(seq "$wait_tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) did not stop, killing it"
        [ "$name" = stt ] && kill -KILL -- "-$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" -eq 0 ]; then
    log "total $(since "$T0")"
    echo "interop: 1 passed, 0 failed"
  else
    log "FAILED: ${FAILURE:-a command failed (exit status $rc), see the output above}"
    log "logs: ${RUN#"$ROOT"/}/"
    echo "interop: 0 passed, 1 failed"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'FAILURE="interrupted"; exit 130' INT TERM
trap 'FAILURE="command failed (exit status $?) at line $LINENO: $BASH_COMMAND"' ERR

tail_log() { # FILE: the end of a log, indented
  echo "---- last 40 lines of ${1#"$ROOT"/} ----" >&2
  tail -n 40 "$1" 2>/dev/null | sed 's/^/  | /' >&2 || true
}

# true once nats-server lists a client subscription on exactly SUBJECT
subscribed() {
  curl -sf "$MONITOR/connz?subs=1" 2>/dev/null | python3 -c '
import json, sys
connections = json.load(sys.stdin).get("connections") or []
sys.exit(0 if any(sys.argv[1] in (c.get("subscriptions_list") or []) for c in connections) else 1)
' "$1"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --------------------------------------------------------------- dependencies
install_python_deps() {
  if [ -d "$PYDEPS/nats_py-$NATS_PY_VERSION.dist-info" ] && [ -d "$PYDEPS/msgpack-$MSGPACK_VERSION.dist-info" ]; then
    log "python deps present (nats-py $NATS_PY_VERSION, msgpack $MSGPACK_VERSION)"
    return 0
  fi
  local t
  t=$(date +%s.%N)
  log "pip install nats-py==$NATS_PY_VERSION msgpack==$MSGPACK_VERSION -> ${PYDEPS#"$ROOT"/}"
  rm -rf "$PYDEPS"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-input \
    --target "$PYDEPS" "nats-py==$NATS_PY_VERSION" "msgpack==$MSGPACK_VERSION" >&2 \
    || fail "pip install of nats-py/msgpack failed"
  log "pip install took $(since "$t")"
}

install_node_deps() {
  local have_nats have_msgpack t
  have_nats=$(node -p "require('$NODEDEPS/node_modules/nats/package.json').version" 2>/dev/null || true)
  have_msgpack=$(node -p "require('$NODEDEPS/node_modules/@msgpack/msgpack/package.json').version" 2>/dev/null || true)
  if [ "$have_nats" = "$NODE_NATS_VERSION" ] && [ "$have_msgpack" = "$NODE_MSGPACK_VERSION" ]; then
    log "node deps present (nats $NODE_NATS_VERSION, @msgpack/msgpack $NODE_MSGPACK_VERSION)"
    return 0
  fi
  command -v npm >/dev/null || fail "npm is not installed (needed for the Node client)"
  t=$(date +%s.%N)
  log "npm install nats@$NODE_NATS_VERSION @msgpack/msgpack@$NODE_MSGPACK_VERSION -> ${NODEDEPS#"$ROOT"/}"
  rm -rf "$NODEDEPS"
  mkdir -p "$NODEDEPS"
  (cd "$NODEDEPS" && npm install --no-audit --no-fund --loglevel=error --prefix . \
    "nats@$NODE_NATS_VERSION" "@msgpack/msgpack@$NODE_MSGPACK_VERSION" >&2) \
    || fail "npm install of nats/@msgpack/msgpack failed"
  log "npm install took $(since "$t")"
}

# go settings: everything under .cache/go (the go env file is still read, so a
# configured GOPROXY applies; telemetry goes to .cache/go/config)
go_() {
  GOENV=${GOENV:-$(go env GOENV)} GOPATH=$GOROOT_CACHE GOMODCACHE=$GOROOT_CACHE/pkg/mod \
    GOCACHE=$GOROOT_CACHE/build GOBIN=$GOROOT_CACHE/bin GOFLAGS=-modcacherw \
    XDG_CONFIG_HOME=$GOROOT_CACHE/config go "$@"
}

install_nats_cli() {
  if [ -x "$NATS_CLI" ] && [ "$("$NATS_CLI" --version 2>/dev/null)" = "$NATSCLI_VERSION" ]; then
    log "nats CLI $NATSCLI_VERSION present"
    return 0
  fi
  command -v go >/dev/null || fail "go is not installed (needed to build the NATS CLI)"
  local t dir
  t=$(date +%s.%N)
  log "go install github.com/nats-io/natscli/nats@$NATSCLI_VERSION ($(go version | cut -d' ' -f3))"
  mkdir -p "$GOROOT_CACHE"
  if ! go_ install -ldflags "-X main.version=$NATSCLI_VERSION" \
    "github.com/nats-io/natscli/nats@$NATSCLI_VERSION" 2>"$GOROOT_CACHE/install.log"; then
    # `go install pkg@version` also asks the proxy for the module's version list
    # (deprecation check); a proxy that refuses that list fails the install.
    # Building the pinned module as the main module needs only that version.
    log "go install pkg@version failed: $(grep -m1 -o 'reading https://[^ ]*: [0-9]* [A-Za-z ]*' "$GOROOT_CACHE/install.log" || tail -n1 "$GOROOT_CACHE/install.log")"
    log "building the pinned module in place instead (go mod download + go install ./nats)"
    dir=$(go_ mod download -json "github.com/nats-io/natscli@$NATSCLI_VERSION" \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])') \
      || fail "go mod download github.com/nats-io/natscli@$NATSCLI_VERSION failed"
    (cd "$dir" && go_ install -ldflags "-X main.version=$NATSCLI_VERSION" ./nats) \
      2>>"$GOROOT_CACHE/install.log" || {
      tail_log "$GOROOT_CACHE/install.log"
      fail "could not build the NATS CLI $NATSCLI_VERSION"
    }
  fi
  [ "$("$NATS_CLI" --version 2>&1)" = "$NATSCLI_VERSION" ] \
    || fail "built $NATS_CLI but it reports version '$("$NATS_CLI" --version 2>&1)'"
  log "nats CLI $NATSCLI_VERSION built in $(since "$t")"
}

ensure_nats_server() {
  command -v nats-server >/dev/null && return 0
  log "apt-get install nats-server"
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq nats-server >&2 \
    || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq nats-server >&2; } \
    || fail "nats-server is not installed and apt-get could not install it"
}

# ------------------------------------------------------------------------ run
log "step 1/7: dependencies"
install_python_deps
install_node_deps
install_nats_cli
ensure_nats_server
bash scripts/ensure-model.sh "$MODEL" >/dev/null || fail "scripts/ensure-model.sh $MODEL failed"
STT_VAD_MODEL_PATH=$(bash scripts/ensure-vad-model.sh | tail -n 1) || fail "scripts/ensure-vad-model.sh failed"
export STT_VAD_MODEL_PATH
bash scripts/fixtures.sh || fail "scripts/fixtures.sh failed"
for f in "$WAV" "$REFERENCE" "$NODE_WAV" "$NODE_REFERENCE"; do [ -f "$f" ] || fail "fixture missing: $f"; done

rm -rf "$RUN"
mkdir -p "$RUN"

log "step 2/7: nats-server"
NATS_PORT=$(free_port)
MONITOR_PORT=$(free_port)
[ "$NATS_PORT" != "$MONITOR_PORT" ] || MONITOR_PORT=$(free_port)
NATS_URL=nats://127.0.0.1:$NATS_PORT
MONITOR=http://127.0.0.1:$MONITOR_PORT
nats-server -a 127.0.0.1 -p "$NATS_PORT" -m "$MONITOR_PORT" >"$RUN/nats-server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID:nats-server")
for _ in $(seq 100); do
  curl -sf "$MONITOR/varz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail_log "$RUN/nats-server.log"; fail "nats-server exited"; }
  sleep 0.1
done
curl -sf "$MONITOR/varz" >/dev/null || { tail_log "$RUN/nats-server.log"; fail "nats-server did not come up on $NATS_URL"; }
log "nats-server $(nats-server --version | awk '{print $2}') on $NATS_URL (monitor $MONITOR)"

log "step 3/7: bin/stt serve"
t=$(date +%s.%N)
NATS_URL=$NATS_URL WHISPER_MODEL_SIZE=$MODEL STT_HEALTH_PORT=0 \
  setsid bin/stt serve >"$RUN/stt.log" 2>&1 </dev/null &
STT_PID=$!
PIDS+=("$STT_PID:stt")
deadline=$(($(date +%s) + READY_TIMEOUT))
until grep -q "voice-stt ready" "$RUN/stt.log"; do
  if ! kill -0 "$STT_PID" 2>/dev/null; then
    tail_log "$RUN/stt.log"
    fail "bin/stt serve exited before it was ready"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    tail_log "$RUN/stt.log"
    fail "no 'voice-stt ready' from bin/stt serve within $READY_TIMEOUT s"
  fi
  sleep 0.5
done
log "service ready after $(since "$t")"

log "step 4/7: nats sub (NATS CLI) capturing ai.voice.transcription.>"
"$NATS_CLI" --server "$NATS_URL" sub 'ai.voice.transcription.>' --raw \
  >"$RUN/nats-sub.raw" 2>"$RUN/nats-sub.err" </dev/null &
SUB_PID=$!
PIDS+=("$SUB_PID:nats-sub")
# ready once the server lists its subscription
for _ in $(seq 100); do
  subscribed 'ai.voice.transcription.>' && break
  kill -0 "$SUB_PID" 2>/dev/null || { tail_log "$RUN/nats-sub.err"; fail "nats sub exited"; }
  sleep 0.1
done
subscribed 'ai.voice.transcription.>' \
  || { tail_log "$RUN/nats-sub.err"; fail "nats sub did not subscribe within 10 s"; }

log "step 5/7: Python client (nats-py + msgpack)"
SESSION=interop-$(date +%s)-$$
client_rc=0
# in the background so that a signal to this script is handled at once (wait returns)
PYTHONPATH=$PYDEPS python3 scripts/interop/py_client.py --nats-url "$NATS_URL" --wav "$WAV" \
  --reference "$REFERENCE" --session "$SESSION" --save "$RUN/py_client.json" &
CLIENT_PID=$!
PIDS+=("$CLIENT_PID:py_client")
wait "$CLIENT_PID" || client_rc=$?

log "step 6/7: what the NATS CLI received"
for _ in $(seq 50); do # the CLI gets the results in parallel with the client
  grep -aqF end_of_stream "$RUN/nats-sub.raw" && break
  sleep 0.1
done
sleep 0.3
kill -TERM "$SUB_PID" 2>/dev/null || true
wait "$SUB_PID" 2>/dev/null || true
cli_problems=()
[ -s "$RUN/nats-sub.raw" ] || cli_problems+=("the nats CLI captured nothing")
n_eos=$(grep -aoF end_of_stream "$RUN/nats-sub.raw" | wc -l)
[ "$n_eos" -eq 1 ] || cli_problems+=("the capture holds $n_eos end_of_stream markers, expected 1")
grep -aqF "$SESSION" "$RUN/nats-sub.raw" || cli_problems+=("the capture lacks the session id $SESSION")
for word in forward clubs amiable; do
  grep -aqi "$word" "$RUN/nats-sub.raw" || cli_problems+=("the capture lacks the transcript word '$word'")
done
log "nats sub --raw captured $(wc -c <"$RUN/nats-sub.raw") bytes (${RUN#"$ROOT"/}/nats-sub.raw);" \
  "grep -a: end_of_stream x$n_eos, session id, words forward/clubs/amiable"
expect=()
[ -f "$RUN/py_client.json" ] && expect=(--expect "$RUN/py_client.json")
PYTHONPATH=$PYDEPS python3 scripts/interop/show_capture.py "$RUN/nats-sub.raw" "${expect[@]}" \
  || cli_problems+=("the messages the nats CLI captured differ from the client's (see above)")
if [ -s "$RUN/nats-sub.err" ]; then
  log "nats sub stderr:"
  sed 's/^/  | /' "$RUN/nats-sub.err" >&2
fi

# After the capture has stopped: its check counts the end_of_stream markers of one session.
log "step 7/7: Node client (nats + @msgpack/msgpack), barge-in on a responding session"
node_rc=0
NODE_PATH=$NODEDEPS/node_modules node scripts/interop/node_client.cjs --nats-url "$NATS_URL" \
  --wav "$NODE_WAV" --reference "$NODE_REFERENCE" --session "node-$SESSION" \
  --max-wer "$NODE_MAX_WER" --save "$RUN/node_client.json" &
CLIENT_PID=$!
PIDS+=("$CLIENT_PID:node_client")
wait "$CLIENT_PID" || node_rc=$?

if grep -qiE '\b(ERROR|Exception)\b' "$RUN/stt.log"; then
  log "the service log has errors:"
  grep -iE '\b(ERROR|Exception)\b' "$RUN/stt.log" | head -n 20 | sed 's/^/  | /' >&2
fi

problems=()
[ "$client_rc" -eq 0 ] || problems+=("py_client.py failed (exit $client_rc), see its FAIL lines above")
[ ${#cli_problems[@]} -eq 0 ] || problems+=("nats CLI check: ${cli_problems[*]}")
[ "$node_rc" -eq 0 ] || problems+=("node_client.cjs failed (exit $node_rc), see its FAIL lines above")
[ ${#problems[@]} -eq 0 ] || fail "$(printf '%s; ' "${problems[@]}")"
log "python client, NATS CLI and Node client all got the results"
