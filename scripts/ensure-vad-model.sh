#!/usr/bin/env bash
# Makes sure the Silero VAD model (STT_VAD=silero, decisions/0025) is present and prints its
# absolute path as the last line of stdout; progress goes to stderr.
#
#   scripts/ensure-vad-model.sh
#
# models/silero_vad.onnx as it is, if it exists; otherwise the file is taken from the silero-vad
# wheel on PyPI (pip download, pinned version), the wheel and the model each checked against a
# SHA-256 pinned here.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODELS=$ROOT/models
OUT=$MODELS/silero_vad.onnx
VERSION=6.2.3
WHEEL=silero_vad-$VERSION-py3-none-any.whl
WHEEL_SHA256=7b7f5436cfcb02fae583a05b512ea96467fd449fe54cb49a5e4f06c51a1e43b8
MODEL_SHA256=1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3

log() { printf 'ensure-vad-model: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$MODELS"
if [ -f "$OUT" ]; then
  log "using existing $OUT"
  echo "$OUT"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "pip download silero-vad==$VERSION"
PIP_ROOT_USER_ACTION=ignore python3 -m pip download --quiet --disable-pip-version-check \
  --no-input --no-deps --only-binary=:all: --dest "$work" "silero-vad==$VERSION" >&2 \
  || die "could not download silero-vad==$VERSION from PyPI; place silero_vad.onnx" \
    "(SHA-256 $MODEL_SHA256) at $OUT, or point STT_VAD_MODEL_PATH at it"
[ "$(sha256sum "$work/$WHEEL" | cut -d' ' -f1)" = "$WHEEL_SHA256" ] \
  || die "SHA-256 mismatch for $WHEEL, discarded"
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("silero_vad/data/silero_vad.onnx"))' \
  "$work/$WHEEL" >"$work/silero_vad.onnx"
[ "$(sha256sum "$work/silero_vad.onnx" | cut -d' ' -f1)" = "$MODEL_SHA256" ] \
  || die "SHA-256 mismatch for silero_vad.onnx in $WHEEL, discarded"
mv "$work/silero_vad.onnx" "$OUT"
log "extracted $OUT"
echo "$OUT"
