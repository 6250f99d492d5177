#!/usr/bin/env bash
# The live microphone page in real Chromium (headless), a real recording as its microphone:
#
#   bash scripts/web-test.sh
#
# 1. installs what it needs when missing, so it also runs alone on a fresh machine: Debian's
#    chromium, nats-server and sox (scripts/install-system-deps.sh), node and npm (apt-get;
#    playwright-core needs the node version its engines field in web/package-lock.json names,
#    and an older node stops the script with a message saying so), and the pinned npm packages
#    of web/package-lock.json (nats.ws, @msgpack/msgpack, and playwright-core, which drives
#    Chromium over the DevTools protocol: no browser download);
# 2. runs the page's unit tests (node --test: resampling, the transcript pane's rules);
# 3. starts `bin/stt demo-web --port 0` (nats-server with a WebSocket listener, the service with
#    tiny.en, the page) and runs web/test/chromium.js against it: Chromium captures
#    fixtures/streams/multi_utterance.wav as its microphone (--use-file-for-fake-audio-capture),
#    the page must show the expected words with their latency, an interrupt after the
#    "responding" toggle, the end of the stream, and clear messages when NATS is unreachable or
#    the microphone denied.
#
# Writes target/web/: web-demo.png (the page at the end), console.log (the page's console),
# demo.log (the service), mic.wav (the recording with a second of silence either side).
# The last line is `web-test: 1 passed, 0 failed` or `web-test: 0 passed, 1 failed`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

WAV=fixtures/streams/multi_utterance.wav
REFERENCE=fixtures/streams/multi_utterance.txt
OUT=$ROOT/target/web
READY_TIMEOUT=180 # bin/stt may build the project first

log() { printf 'web-test: %s\n' "$*" >&2; }
DEMO_PID=
FAILURE=
on_exit() {
  local rc=$?
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    # The demo stops its service and its nats-server itself on SIGTERM; the group is killed only
    # if something is left after that.
    kill -TERM "$DEMO_PID" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$DEMO_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
  fi
  if [ "$rc" -eq 0 ]; then
    echo "web-test: 1 passed, 0 failed"
  else
    log "FAILED: ${FAILURE:-exit status $rc, see above}; logs in ${OUT#"$ROOT"/}/"
    echo "web-test: 0 passed, 1 failed"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'FAILURE=interrupted; exit 130' INT TERM
fail() {
  FAILURE=$*
  exit 1
}

# Debian's real binary; /usr/bin/chromium is a wrapper script around it.
chromium_binary() {
  if [ -x /usr/lib/chromium/chromium ]; then
    echo /usr/lib/chromium/chromium
  else
    command -v chromium || command -v chromium-browser || true
  fi
}

# apt-get install PACKAGE...; a fresh machine may have no package lists yet
apt_install() {
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || { $sudo apt-get update -qq >&2 \
      && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2; }
}

CHROMIUM=${CHROMIUM:-$(chromium_binary)}
if [ -z "$CHROMIUM" ]; then
  log "apt-get install chromium (and a font for the screenshot)"
  apt_install chromium fonts-dejavu-core || fail "apt-get could not install chromium"
  CHROMIUM=$(chromium_binary)
  [ -n "$CHROMIUM" ] || fail "chromium is installed but not found"
fi
log "$("$CHROMIUM" --version 2>/dev/null | head -n 1)"

# bin/stt demo-web starts nats-server (STT_NATS_SERVER, else the one on the PATH); this script
# runs sox. scripts/test.sh installs both before it gets here; run alone, this does.
if { [ -z "${STT_NATS_SERVER:-}" ] && ! command -v nats-server >/dev/null 2>&1; } \
  || ! command -v sox >/dev/null 2>&1; then
  bash scripts/install-system-deps.sh || fail "scripts/install-system-deps.sh failed"
fi

# node runs the page's unit tests and drives Chromium through playwright-core; npm installs it.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt_install "${missing[@]}" || fail "apt-get could not install ${missing[*]}"
fi
# The oldest node playwright-core supports: the major version of its "engines": {"node": ">=N"}
# in web/package-lock.json. npm only warns about it, and an older node fails later, obscurely.
playwright_entry=$(sed -n '/"node_modules\/playwright-core": {/,/^    }/p' web/package-lock.json)
PLAYWRIGHT_VERSION=$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' <<<"$playwright_entry" | head -n 1)
NODE_NEEDED=$(sed -n 's/^ *"node": ">= *\([0-9][0-9]*\).*/\1/p' <<<"$playwright_entry" | head -n 1)
[ -n "$NODE_NEEDED" ] \
  || fail "no \"node\": \">=N\" for playwright-core in web/package-lock.json; update this check"
NODE_VERSION=$(node --version)
NODE_MAJOR=${NODE_VERSION#v}
NODE_MAJOR=${NODE_MAJOR%%.*}
case $NODE_MAJOR in
  '' | *[!0-9]*) fail "node --version says '$NODE_VERSION', not vN.N.N" ;;
esac
if [ "$NODE_MAJOR" -lt "$NODE_NEEDED" ]; then
  fail "node $NODE_VERSION is older than playwright-core $PLAYWRIGHT_VERSION needs (node >= $NODE_NEEDED, web/package-lock.json); install Node.js $NODE_NEEDED or later (Debian 12's nodejs is 18: use Debian 13, or NodeSource's packages) and run again"
fi
log "node $NODE_VERSION (playwright-core $PLAYWRIGHT_VERSION needs >= $NODE_NEEDED), npm $(npm --version)"

NODE_MODULES=$(bash scripts/web-deps.sh --dev) || fail "scripts/web-deps.sh --dev failed"
MODEL=$(bash scripts/ensure-model.sh | tail -n 1) || fail "scripts/ensure-model.sh failed"
STT_VAD_MODEL_PATH=$(bash scripts/ensure-vad-model.sh | tail -n 1) || fail "scripts/ensure-vad-model.sh failed"
export STT_VAD_MODEL_PATH
bash scripts/fixtures.sh >/dev/null || fail "scripts/fixtures.sh failed"

log "unit tests of the page's modules (node --test)"
node --test --test-reporter=dot web/test/pcm.test.js web/test/transcript.test.js >&2 \
  || fail "node --test web/test/*.test.js"

rm -rf "$OUT"
mkdir -p "$OUT"
# A second of silence either side: the page's session is open before the first word.
sox "$WAV" "$OUT/mic.wav" pad 1 1

log "bin/stt demo-web --port 0 (nats-server with WebSocket, the service with $(basename "$MODEL"), the page)"
STT_MODEL_PATH=$MODEL STT_LOG_FORMAT=text setsid bin/stt demo-web --port 0 \
  >"$OUT/demo.out" 2>"$OUT/demo.log" </dev/null &
DEMO_PID=$!
deadline=$(($(date +%s) + READY_TIMEOUT))
until URL=$(grep -o 'voice-stt web demo: http://[^ ]*' "$OUT/demo.out" | cut -d' ' -f4) && [ -n "$URL" ]; do
  if ! kill -0 "$DEMO_PID" 2>/dev/null; then
    tail -n 30 "$OUT/demo.log" >&2
    fail "bin/stt demo-web exited before serving the page"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || fail "no page URL from bin/stt demo-web within $READY_TIMEOUT s"
  sleep 0.3
done
sed 's/^/  | /' "$OUT/demo.out" >&2

node web/test/chromium.js --url "$URL" --wav "$OUT/mic.wav" --reference "$REFERENCE" \
  --out "$OUT" --chromium "$CHROMIUM" --node-modules "$NODE_MODULES" >&2 \
  || fail "web/test/chromium.js: see its FAIL lines"
log "screenshot: ${OUT#"$ROOT"/}/web-demo.png"
