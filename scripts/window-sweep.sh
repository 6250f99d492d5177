#!/usr/bin/env bash
# Re-measures the encoder window (audio_ctx) on the corpus: for each window, every recording
# transcribed alone by the local model (1 thread), with the degenerate-output re-decode on as in
# the service. Prints time per file, corpus WER and how many files needed the full-window
# re-decode (a loop caught by the safety net). Quiet machine; ~1-2 min for tiny.en.
#
#   scripts/window-sweep.sh [model] [windows...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
model=${1:-$(bash scripts/ensure-model.sh | tail -n 1)}
shift || true
windows=("$@")
[ ${#windows[@]} -eq 0 ] && windows=(full 1024 896 768 640 512 auto)
out=target/window-sweep
mkdir -p "$out"
for w in "${windows[@]}"; do
  [ -n "${SWEEP_REPORT_ONLY:-}" ] && break
  STT_LOG_LEVEL=DEBUG bin/stt transcribe --model "$model" --threads 1 --audio-ctx "$w" \
    fixtures/corpus/*.wav > "$out/$w.tsv" 2> "$out/$w.log"
done
python3 - "$out" "${windows[@]}" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1]); windows = sys.argv[2:]
refs = dict(l.split("\t", 1) for l in pathlib.Path("fixtures/corpus/transcripts.tsv").read_text().splitlines() if l.strip())
# The normalisation ai.voice.stt.eval.WordErrorRate had before its Whisper-style normaliser
# (EnglishTextNormalizer, issue 23), kept so the sweep compares with its earlier figures: case, accents, punctuation, hyphens,
# numbers up to twenty spelled out, titles.
import unicodedata
DIGITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
TITLES = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}
def norm(t):
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = re.sub(r"[^a-z0-9' ]+", " ", t.lower().replace("-", " "))
    out = []
    for w in t.split():
        w = w.strip("'")
        if not w:
            continue
        if w.isdigit() and len(w) <= 2 and int(w) < len(DIGITS):
            w = DIGITS[int(w)]
        out.append(TITLES.get(w, w))
    return out
def edits(a, b):
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        p, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            p, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, p + (x != y))
    return d[len(b)]
print("| audio_ctx | mean s/file | max s/file | corpus WER | full-window re-decodes |")
print("|---|---|---|---|---|")
for w in windows:
    rows = [l.split("\t") for l in (out / f"{w}.tsv").read_text().splitlines() if "\t" in l]
    times = [float(r[2].split()[0]) for r in rows]
    e = n = 0
    for r in rows:
        name = pathlib.Path(r[0]).stem
        ref = norm(refs[name]); hyp = norm(r[3] if len(r) > 3 else "")
        e += edits(ref, hyp); n += len(ref)
    redecodes = (out / f"{w}.log").read_text().count("degenerate output")
    print(f"| {w} | {sum(times)/len(times):.3f} | {max(times):.3f} | {100*e/n:.1f}% | {redecodes} |")
PY
