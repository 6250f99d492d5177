#!/usr/bin/env bash
# Builds the CPU libwhisper the service loads (decisions/0034): whisper.cpp 1.7.1
# (native/whisper-cpp.env) with native/patches/, through native/CMakeLists.txt (WHISPER_GPU=none,
# which also compiles native/layout.c: the binding's struct layouts checked against whisper.h).
# The patch hands whisper_full's abort callback to ggml's CPU backend, so an abort stops a useless
# decode within milliseconds, inside the encoder too (1.7.1 alone checks only after it).
#
# Sources: the copy crates.io's whisper-rs-sys vendors (crate sha256 and whisper.h checked by
# native/fetch-whisper-cpp.sh), so a fresh machine gets them from a registry. ~20 s on 2 cores;
# rebuilt only when the pinned sources or the patches change. Nothing built is committed.
#   scripts/build-whisper-cpu.sh            # prints the library folder (STT_WHISPER_LIBRARY_DIR)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.cache/whisper-cpu"
# Everything that decides what is built: the pinned sources, how they are fetched and patched, the
# CMake project and this script.
stamp="$(cat "$root/native/whisper-cpp.env" "$root/native/fetch-whisper-cpp.sh" \
  "$root/native/CMakeLists.txt" "$root/native/layout.c" "$root"/native/patches/*.patch "$0" |
  sha256sum | cut -d' ' -f1)"

if [ -f "$out/lib/libwhisper.so.1" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/lib"
  exit 0
fi

# cmake, g++, ninja, patch, curl: the project's one list of Debian packages (installs only what is missing).
bash "$root/scripts/install-system-deps.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$root/native/fetch-whisper-cpp.sh" --crate "$work/whisper.cpp" >&2

# x86-64: the instruction sets whisper-jni's Linux build used (AVX, AVX2, FMA, F16C) rather than
# this machine's (-march=native would not run on an older node); elsewhere ggml's portable defaults.
isa=()
if [ "$(uname -m)" = x86_64 ]; then
  isa=(-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON)
fi
cmake -S "$root/native" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DWHISPER_CPP_SOURCE_DIR="$work/whisper.cpp" -DWHISPER_GPU=none -DGGML_NATIVE=OFF "${isa[@]}" \
  -DCMAKE_INSTALL_PREFIX="$work/install" >&2
cmake --build "$work/build" -j "$(nproc)" >&2
cmake --install "$work/build" >&2
"$work/install/bin/whisper-layout" >/dev/null
rm -rf "$out"
mkdir -p "$out/lib"
cp -P "$work/install/lib"/libwhisper.so* "$work/install/lib"/libggml*.so* "$out/lib/"
echo "$stamp" > "$out/stamp"
echo "$out/lib"
