#!/usr/bin/env bash
# Builds the audio fixtures under fixtures/ from Debian's pocketsphinx-testdata
# (real recorded speech with reference transcripts). Progress goes to stderr.
#
#   fixtures/corpus/NAME.wav          16 kHz mono s16 PCM, one utterance each
#   fixtures/corpus/transcripts.tsv   NAME<TAB>reference words, lower case
#   fixtures/streams/multi_utterance{,_2}.{wav,txt}
#                                     corpus recordings joined by digital silence;
#                                     .txt has one reference line per utterance
#   fixtures/streams/silence.wav      8 s of zeros
#   fixtures/streams/noise.wav        8 s of white noise, RMS about -35 dBFS
#   fixtures/variants/austen_0870_{48k_stereo,8k}.wav   format-conversion inputs
#
# Output is deterministic. A re-run does nothing while fixtures/.stamp matches
# this script; edit the script and everything is rebuilt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES=$ROOT/fixtures
DATA=/usr/share/pocketsphinx/test/data
STAMP=$FIXTURES/.stamp

log() { printf 'fixtures: %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  dpkg -s pocketsphinx-testdata >/dev/null 2>&1 || missing+=(pocketsphinx-testdata)
  command -v sox >/dev/null 2>&1 || missing+=(sox)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  # a fresh machine may have no package lists yet
  $sudo apt-get install -y -qq "${missing[@]}" >&2 \
    || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "${missing[@]}" >&2; }
}

# -R: repeatable random numbers, -D: no dither, so every run writes the same bytes
sox_() { sox -R -D -V1 "$@"; }
PCM16K=(-r 16000 -c 1 -b 16 -e signed-integer)

# NAME SOURCE TRANSCRIPT: one corpus entry. Sources are 16 kHz 16-bit mono
# (the .raw files headerless little-endian); sox rewrites them as plain PCM WAV.
add_utterance() {
  local name=$1 source=$2 text=$3
  if [[ $source == *.raw ]]; then
    sox_ -t raw "${PCM16K[@]}" -L "$source" "$CORPUS/$name.wav"
  else
    sox_ "$source" "${PCM16K[@]}" "$CORPUS/$name.wav"
  fi
  printf '%s\t%s\n' "$name" "$text" >>"$CORPUS/transcripts.tsv"
}

# Transcripts in the sphinx style "<s> words </s> (id)"; prints id<TAB>words.
sphinx_transcripts() {
  sed -E 's/^<s> *//; s/ *<\/s> *\(([^)]*)\)$/\t\1/' "$1" | awk -F'\t' '{print $2 "\t" $1}'
}

build_corpus() {
  local id text
  while IFS=$'\t' read -r id text; do
    add_utterance "cards_$id" "$DATA/cards/$id.wav" "$text"
  done < <(sphinx_transcripts "$DATA/cards/cards.transcription")
  while IFS=$'\t' read -r id text; do
    add_utterance "austen_${id##*-}" "$DATA/librivox/$id.wav" "$text"
  done < <(sphinx_transcripts "$DATA/librivox/transcription")
  # goforward.gram's first rule is the sentence recorded in goforward.raw
  add_utterance goforward "$DATA/goforward.raw" "go forward ten meters"
  # TIDIGITS names a recording by its digits: 2934z = two nine three four zero
  add_utterance tidigits_2934z "$DATA/tidigits/dhd.2934z.raw" "two nine three four zero"
}

# OUT NAME GAP_SECONDS NAME...: corpus recordings with GAP seconds of zeros
# between them and after the last; OUT.txt gets their transcripts in order.
build_stream() {
  local out=$1 gap=$2
  shift 2
  local gap_file=$TMP/gap_$gap.wav inputs=()
  sox_ -n "${PCM16K[@]}" "$gap_file" trim 0 "$gap"
  : >"$out.txt"
  for name in "$@"; do
    inputs+=("$CORPUS/$name.wav" "$gap_file")
    awk -F'\t' -v n="$name" '$1 == n {print $2}' "$CORPUS/transcripts.tsv" >>"$out.txt"
  done
  sox_ "${inputs[@]}" "$out.wav"
}

build_streams() {
  build_stream "$STREAMS/multi_utterance" 1.5 austen_0880 cards_001 austen_0930 goforward
  build_stream "$STREAMS/multi_utterance_2" 1 austen_0890 cards_005 tidigits_2934z
  sox_ -n "${PCM16K[@]}" "$STREAMS/silence.wav" trim 0 8
  sox_ -n "${PCM16K[@]}" "$STREAMS/noise.wav" synth 8 whitenoise gain -25
}

build_variants() {
  local source=$CORPUS/austen_0870.wav
  sox_ "$source" -r 48000 -c 2 -b 16 "$VARIANTS/austen_0870_48k_stereo.wav"
  sox_ "$source" -r 8000 -c 1 -b 16 "$VARIANTS/austen_0870_8k.wav"
}

summary() {
  local f
  for f in "$CORPUS"/*.wav "$STREAMS"/*.wav "$VARIANTS"/*.wav; do
    printf '  %-44s %s Hz %s ch %6.2f s\n' "${f#"$ROOT"/}" "$(soxi -r "$f")" "$(soxi -c "$f")" \
      "$(soxi -D "$f")" >&2
  done
}

ensure_packages
script_hash=$(sha1sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$script_hash" ]; then
  log "up to date ($FIXTURES)"
  exit 0
fi

rm -rf "$FIXTURES"
CORPUS=$FIXTURES/corpus STREAMS=$FIXTURES/streams VARIANTS=$FIXTURES/variants
mkdir -p "$CORPUS" "$STREAMS" "$VARIANTS"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

build_corpus
build_streams
build_variants
echo "$script_hash" >"$STAMP"
log "built $FIXTURES ($(wc -l <"$CORPUS/transcripts.tsv") corpus utterances):"
summary
