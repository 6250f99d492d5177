#!/usr/bin/env bash
# Installs the Debian packages the project runs against, only those missing:
#   nats-server            the real NATS server the tests and the demo start
#   pocketsphinx-testdata  real recorded speech with reference transcripts (fixtures)
#   sox                    audio conversion for the fixtures
set -euo pipefail

missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
dpkg -s pocketsphinx-testdata >/dev/null 2>&1 || missing+=(pocketsphinx-testdata)
command -v sox >/dev/null 2>&1 || missing+=(sox)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-system-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-system-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
