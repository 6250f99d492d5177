#!/usr/bin/env bash
# The live microphone page in one command, offline on a fresh machine: installs nats-server
# (Debian, when missing), the page's two JavaScript libraries (npm, pinned by
# web/package-lock.json) and the model, then runs `bin/stt demo-web --open`: a local nats-server
# with a WebSocket listener, the service, and the page, whose URL it prints and opens when there
# is a desktop. Ctrl-C stops everything.
#
#   scripts/demo-web.sh [stt demo-web options]   e.g. --port 9000; --nats-ws ws://HOST:PORT for a
#                                                NATS server (and service) already running
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/java-env.sh

bash scripts/install-system-deps.sh
model=$(bash scripts/ensure-model.sh "${WHISPER_MODEL_SIZE:-}" | tail -n 1)
export STT_VAD_MODEL_PATH=${STT_VAD_MODEL_PATH:-$(bash scripts/ensure-vad-model.sh | tail -n 1)}
bash scripts/web-deps.sh >/dev/null
export STT_MODEL_PATH=${STT_MODEL_PATH:-$model}
export STT_LOG_FORMAT=${STT_LOG_FORMAT:-text}
exec bin/stt demo-web --open "$@"
