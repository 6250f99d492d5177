#!/usr/bin/env bash
# Fetches the pinned whisper.cpp (native/whisper-cpp.env) into DEST, checks that its whisper.h is the
# header the FFM binding's struct layouts were taken from (sha256), and applies native/patches/
# (the encoder's abort, decisions/0034). The sources are never committed.
#   native/fetch-whisper-cpp.sh DEST           # git tag: the whole tree, for the GPU images
#   native/fetch-whisper-cpp.sh --crate DEST   # crates.io's whisper-rs-sys copy (CPU sources only,
#                                              # sha256-pinned): scripts/build-whisper-cpu.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=native/whisper-cpp.env
. "$here/whisper-cpp.env"
from=git
if [[ "${1:-}" == "--crate" ]]; then
  from=crate
  shift
fi
dest="${1:?usage: fetch-whisper-cpp.sh [--crate] DEST}"

if [[ ! -f "$dest/include/whisper.h" ]]; then
  if [[ "$from" == git ]]; then
    git clone --quiet --depth 1 --branch "$WHISPER_CPP_TAG" "$WHISPER_CPP_REPO" "$dest"
  else
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    crate="$tmp/$WHISPER_CPP_CRATE.crate"
    curl -fsSL --retry 3 -o "$crate" "https://static.crates.io/crates/${WHISPER_CPP_CRATE%-*}/$WHISPER_CPP_CRATE.crate"
    actual="$(sha256sum "$crate" | cut -d' ' -f1)"
    if [[ "$actual" != "$WHISPER_CPP_CRATE_SHA256" ]]; then
      echo "$WHISPER_CPP_CRATE.crate has sha256 $actual, expected $WHISPER_CPP_CRATE_SHA256" >&2
      exit 1
    fi
    tar -xzf "$crate" -C "$tmp"
    mkdir -p "$(dirname "$dest")"
    mv "$tmp/$WHISPER_CPP_CRATE/whisper.cpp" "$dest"
  fi
fi
actual="$(sha256sum "$dest/include/whisper.h" | cut -d' ' -f1)"
if [[ "$actual" != "$WHISPER_H_SHA256" ]]; then
  echo "whisper.h in $dest has sha256 $actual, expected $WHISPER_H_SHA256 (whisper.cpp $WHISPER_CPP_VERSION):" >&2
  echo "the struct layouts of the FFM binding would not match this library" >&2
  exit 1
fi
for p in "$here"/patches/*.patch; do
  if patch -d "$dest" -p1 -R --dry-run --force --quiet < "$p" >/dev/null 2>&1; then
    continue # applied on an earlier run
  fi
  patch -d "$dest" -p1 --forward --quiet < "$p"
done
echo "whisper.cpp $WHISPER_CPP_VERSION in $dest (whisper.h verified, native/patches applied)"
