#!/usr/bin/env bash
# Makes a fixtures folder for `stt bench --fixtures OUT` of long utterances: six 9-12 s utterances,
# each two or three of the corpus's LibriVox recordings trimmed of their silence and joined with
# 0.2 s gaps (well inside the 600 ms end-point, so each stays one utterance), with their joined
# references. Used to measure aborted decodes on long, hesitant speech (docs/benchmarks.md, "Where
# the saving stops"). Generated at bench time from fixtures/corpus; never committed.
#   scripts/long-utterances.sh /tmp/longfix
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: long-utterances.sh OUT}"
corpus="$root/fixtures/corpus"
[ -f "$corpus/transcripts.tsv" ] || { echo "long-utterances: run scripts/fixtures.sh first" >&2; exit 1; }
command -v sox >/dev/null 2>&1 || { echo "long-utterances: needs sox (scripts/install-system-deps.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/corpus"
rm -f "$out/corpus/"*.wav "$out/corpus/transcripts.tsv"
sox -D -n -r 16000 -c 1 -b 16 "$work/gap.wav" trim 0 0.2
groups=(
  "austen_0870 austen_0880"
  "austen_0890 austen_0920"
  "austen_0930 austen_0870"
  "austen_0880 austen_0890 austen_0930"
  "austen_0920 austen_0930"
  "austen_0870 austen_0890"
)
i=0
for group in "${groups[@]}"; do
  i=$((i + 1))
  parts=()
  reference=""
  for name in $group; do
    # Leading and trailing silence off (below 0.5 % of full scale for 20 ms); no dither (-D), so
    # the same corpus gives the same files.
    sox -D "$corpus/$name.wav" "$work/$name.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
    parts+=("$work/$name.wav" "$work/gap.wav")
    reference="$reference $(grep "^$name	" "$corpus/transcripts.tsv" | cut -f2)"
  done
  sox -D "${parts[@]}" "$out/corpus/long_$i.wav"
  printf 'long_%d\t%s\n' "$i" "${reference# }" >> "$out/corpus/transcripts.tsv"
done
echo "$out"
