#!/usr/bin/env bash
# Installs the Debian packages the project runs against, only those missing:
#   nats-server              the real NATS server the tests and the demo start
#   pocketsphinx-testdata    real recorded speech with reference transcripts (fixtures)
#   sox                      audio conversion for the fixtures
#   espeak-ng                speech synthesis for test speech generated at test time (rare names
#                            for the vocabulary hint, VocabularyHintTest); nothing it makes is kept
#   flite                    a second synthetic voice family for the evaluation set (scripts/eval-set.sh)
#   prometheus               Prometheus and promtool: scripts/observability-check.sh scrapes the
#                            service with it and checks the chart's queries and alert rules
#   cmake g++ ninja-build    build whisper.cpp for the CPU (scripts/build-whisper-cpu.sh, decisions/0034)
#   patch curl               fetch its sources from crates.io and apply native/patches/
#   openjdk-25-jdk-headless  JDK 25 (scripts/java-env.sh), when none is under /usr/lib/jvm and the
#                            apt sources offer it; Debian 12's do not, and these machines carry
#                            Temurin 25 instead (docs/decisions/0021)
set -euo pipefail

have_jdk25() {
  local dir
  for dir in /usr/lib/jvm/*/; do
    [ -x "$dir/bin/javac" ] && grep -q '^JAVA_VERSION="25[."]' "$dir/release" 2>/dev/null && return 0
  done
  return 1
}

missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
dpkg -s pocketsphinx-testdata >/dev/null 2>&1 || missing+=(pocketsphinx-testdata)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v flite >/dev/null 2>&1 || missing+=(flite)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
command -v patch >/dev/null 2>&1 || missing+=(patch)
command -v curl >/dev/null 2>&1 || missing+=(curl)
need_jdk=false
have_jdk25 || need_jdk=true
[ ${#missing[@]} -eq 0 ] && [ $need_jdk = false ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-system-deps: need root or sudo to install ${missing[*]} (or a JDK 25)" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq >&2
if [ $need_jdk = true ]; then
  if apt-cache policy openjdk-25-jdk-headless 2>/dev/null | grep -q '^ *Candidate: [^(]'; then
    missing+=(openjdk-25-jdk-headless)
  else
    echo "install-system-deps: no JDK 25 under /usr/lib/jvm, and the apt sources offer none:" \
      "scripts/java-env.sh says how to get one" >&2
  fi
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-system-deps: installing ${missing[*]}" >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
