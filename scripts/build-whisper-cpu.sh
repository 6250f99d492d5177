#!/usr/bin/env bash
# Builds a CPU libwhisper whose encoder can be stopped: whisper.cpp 1.7.1 (native/whisper-cpp.env)
# with native/patches/cpu-encoder-abort.patch, which hands whisper_full's abort callback to ggml's
# CPU backend (ggml_backend_cpu_set_abort_callback, checked between graph nodes). Without it
# whisper.cpp 1.7.1 checks the callback only after the encoder's graphs, so an abort saves only the
# decoder's part of a useless decode (docs/benchmarks.md, "Where the saving stops"; decision 0031).
#
# Opt-in, for measuring: the service loads it with STT_WHISPER_LIBRARY_DIR=.cache/whisper-cpu/lib
# (the default stays the library whisper-jni ships, decision 0029). Sources: the whisper.cpp that
# crates.io's whisper-rs-sys 0.11.0 vendors (checksummed crate, whisper.h checked against the pinned
# header), so a fresh machine gets them from a registry. Nothing built is committed.
#   scripts/build-whisper-cpu.sh            # prints the library folder
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=native/whisper-cpp.env
. "$root/native/whisper-cpp.env"
CRATE=whisper-rs-sys-0.11.0
CRATE_URL=https://static.crates.io/crates/whisper-rs-sys/$CRATE.crate
CRATE_SHA256=081bd3f9d5762a86afc2d2cf81890c51454c02669822d5b01af86291d363a009
patch_file="$root/native/patches/cpu-encoder-abort.patch"
out="$root/.cache/whisper-cpu"
stamp="$CRATE_SHA256 $(sha256sum "$patch_file" | cut -d' ' -f1)"

if [ -f "$out/lib/libwhisper.so.1" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/lib"
  exit 0
fi

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
command -v patch >/dev/null 2>&1 || missing+=(patch)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "build-whisper-cpu: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/$CRATE.crate" "$CRATE_URL"
actual="$(sha256sum "$work/$CRATE.crate" | cut -d' ' -f1)"
if [ "$actual" != "$CRATE_SHA256" ]; then
  echo "build-whisper-cpu: $CRATE.crate has sha256 $actual, expected $CRATE_SHA256" >&2
  exit 1
fi
tar -xzf "$work/$CRATE.crate" -C "$work"
src="$work/$CRATE/whisper.cpp"
header="$(sha256sum "$src/include/whisper.h" | cut -d' ' -f1)"
if [ "$header" != "$WHISPER_H_SHA256" ]; then
  echo "build-whisper-cpu: whisper.h has sha256 $header, expected $WHISPER_H_SHA256" \
    "(whisper.cpp $WHISPER_CPP_VERSION): the binding's struct layouts would not match" >&2
  exit 1
fi
patch -d "$src" -p1 --quiet < "$patch_file"

# The instruction sets of the whisper-jni build the service loads by default (its
# libggml+mf16c+mfma+mavx+mavx2.so), and OpenMP as there.
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
  -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_EXAMPLES=OFF \
  -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON -DCMAKE_INSTALL_RPATH='$ORIGIN' >&2
cmake --build "$work/build" -j "$(nproc)" --target whisper >&2
rm -rf "$out"
mkdir -p "$out/lib"
cp -P "$work/build/src"/libwhisper.so* "$work/build/ggml/src/libggml.so" "$out/lib/"
echo "$stamp" > "$out/stamp"
echo "$out/lib"
