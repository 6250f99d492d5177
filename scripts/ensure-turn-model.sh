#!/usr/bin/env bash
# Makes sure the Smart Turn v3.2 end-of-turn model (BSD-2-Clause, pipecat-ai) is present and
# prints its absolute path as the last line of stdout; progress goes to stderr.
#
#   scripts/ensure-turn-model.sh
#
# The ONNX file ships inside PyPI's pipecat-ai wheel. The wheel is downloaded once with pip
# (no dependencies) into .cache/turn, checked against its pinned SHA-256, and only the model is
# extracted to models/ and checked again. The wheel stays in .cache/turn: the log-mel test
# (LogMelSpectrogramTest) reads the reference feature extractor from it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=1.14.0
WHEEL=pipecat_ai-$VERSION-py3-none-any.whl
WHEEL_SHA256=0352f504b44e78bdf524e45af4bc759601c835b9b7dc195efe5e03384b974a44
MEMBER=pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx
MODEL_SHA256=2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f
CACHE=$ROOT/.cache/turn
OUT=$ROOT/models/smart-turn-v3.2-cpu.onnx

log() { printf 'ensure-turn-model: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$CACHE" "$ROOT/models"
if [ ! -f "$CACHE/$WHEEL" ] || [ "$(sha256 "$CACHE/$WHEEL")" != "$WHEEL_SHA256" ]; then
  rm -f "$CACHE/$WHEEL"
  log "pip download pipecat-ai==$VERSION (the wheel only)"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip download --quiet --disable-pip-version-check \
    --no-input --no-deps --only-binary :all: --dest "$CACHE" "pipecat-ai==$VERSION" >&2 ||
    die "could not download pipecat-ai==$VERSION from PyPI"
  [ "$(sha256 "$CACHE/$WHEEL")" = "$WHEEL_SHA256" ] || {
    rm -f "$CACHE/$WHEEL"
    die "SHA-256 mismatch for $WHEEL, download discarded"
  }
fi
if [ ! -f "$OUT" ] || [ "$(sha256 "$OUT")" != "$MODEL_SHA256" ]; then
  log "extracting $MEMBER"
  python3 - "$CACHE/$WHEEL" "$MEMBER" "$OUT.partial" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  [ "$(sha256 "$OUT.partial")" = "$MODEL_SHA256" ] || {
    rm -f "$OUT.partial"
    die "SHA-256 mismatch for the extracted model"
  }
  mv "$OUT.partial" "$OUT"
fi
echo "$OUT"
