#!/usr/bin/env bash
# Fetches the pinned whisper.cpp (native/whisper-cpp.env) into DEST and checks that its whisper.h is
# the header the FFM binding's struct layouts were taken from (sha256). Used by the GPU images
# (Dockerfile.rocm, Dockerfile.cuda); the sources are never committed.
#   native/fetch-whisper-cpp.sh DEST
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=native/whisper-cpp.env
. "$here/whisper-cpp.env"
dest="${1:?usage: fetch-whisper-cpp.sh DEST}"
if [[ ! -f "$dest/include/whisper.h" ]]; then
  git clone --quiet --depth 1 --branch "$WHISPER_CPP_TAG" "$WHISPER_CPP_REPO" "$dest"
fi
actual="$(sha256sum "$dest/include/whisper.h" | cut -d' ' -f1)"
if [[ "$actual" != "$WHISPER_H_SHA256" ]]; then
  echo "whisper.h in $dest has sha256 $actual, expected $WHISPER_H_SHA256 (whisper.cpp $WHISPER_CPP_VERSION):" >&2
  echo "the struct layouts of the FFM binding would not match this library" >&2
  exit 1
fi
echo "whisper.cpp $WHISPER_CPP_VERSION in $dest (whisper.h verified)"
