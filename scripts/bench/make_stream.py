#!/usr/bin/env python3
"""Joins corpus recordings into one conversation stream (CONV.wav) and writes where each
utterance's speech lies in it (SPANS.json), for scripts/bench/peer_whisperlive.py.

Layout as the Java bench's Conversation: leading silence, recordings separated by pauses of
digital silence, trailing silence. speech_start / speech_end are the first / last voiced sample
of each recording, found with a simple energy threshold on 10 ms frames (the Java side uses
WebRTC VAD in real use). Standard library only.

    make_stream.py --corpus fixtures/corpus \
        --names austen_0870,austen_0880,austen_0890,austen_0920,goforward \
        --wav target/bench/conv.wav --spans target/bench/spans.json
"""

import argparse
import array
import json
import math
import pathlib
import sys
import wave

RATE = 16000
FRAME = RATE // 100  # 10 ms


def read_pcm(path):
    with wave.open(str(path), "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"make_stream: {path} is not 16 kHz mono 16-bit")
        pcm = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        pcm.byteswap()
    return pcm


def voiced_bounds(pcm, min_run=3):
    """(first, last) voiced sample: frames louder than max(2.5 x noise floor, 4 % of the peak),
    counted only in runs of at least min_run frames so that a click does not count."""
    frames = len(pcm) // FRAME
    rms = [math.sqrt(sum(x * x for x in pcm[i * FRAME:(i + 1) * FRAME]) / FRAME) for i in range(frames)]
    if not rms:
        return 0, len(pcm) - 1
    ordered = sorted(rms)
    threshold = max(2.5 * ordered[len(ordered) // 10], 0.04 * ordered[-1], 30.0)
    loud = [r > threshold for r in rms]
    runs = [i for i in range(frames - min_run + 1) if all(loud[i:i + min_run])]
    if not runs:
        return 0, len(pcm) - 1
    first, last = runs[0], runs[-1] + min_run - 1
    return first * FRAME, (last + 1) * FRAME - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=pathlib.Path, default=pathlib.Path("fixtures/corpus"))
    parser.add_argument("--names", default="austen_0870,austen_0880,austen_0890,austen_0920,goforward",
                        help="comma-separated recording names (WAV stems listed in transcripts.tsv)")
    parser.add_argument("--lead", type=float, default=0.5, help="seconds of silence first")
    parser.add_argument("--pause", type=float, default=1.5, help="seconds of silence between recordings")
    parser.add_argument("--trail", type=float, default=1.5, help="seconds of silence last")
    parser.add_argument("--wav", type=pathlib.Path, required=True)
    parser.add_argument("--spans", type=pathlib.Path, required=True)
    args = parser.parse_args()

    references = {}
    for line in (args.corpus / "transcripts.tsv").read_text().splitlines():
        if line.strip():
            name, reference = line.split("\t", 1)
            references[name] = reference.strip()
    names = [n for n in args.names.split(",") if n]
    stream = array.array("h")
    spans = []

    def silence(seconds):
        stream.extend([0] * int(round(seconds * RATE)))

    silence(args.lead)
    for i, name in enumerate(names):
        if name not in references:
            sys.exit(f"make_stream: {name} is not in {args.corpus / 'transcripts.tsv'}")
        pcm = read_pcm(args.corpus / f"{name}.wav")
        offset = len(stream)
        first, last = voiced_bounds(pcm)
        stream.extend(pcm)
        spans.append({
            "name": name,
            "reference": references[name],
            "speech_start": round((offset + first) / RATE, 4),
            "speech_end": round((offset + last) / RATE, 4),
            "clip_start": round(offset / RATE, 4),
            "clip_end": round(len(stream) / RATE, 4),
        })
        silence(args.trail if i == len(names) - 1 else args.pause)

    args.wav.parent.mkdir(parents=True, exist_ok=True)
    args.spans.parent.mkdir(parents=True, exist_ok=True)
    out = array.array("h", stream)
    if sys.byteorder == "big":
        out.byteswap()
    with wave.open(str(args.wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(out.tobytes())
    args.spans.write_text(json.dumps(spans, indent=2) + "\n")
    for s in spans:
        print(f"{s['name']:16s} clip {s['clip_start']:7.3f}-{s['clip_end']:7.3f}  "
              f"speech {s['speech_start']:7.3f}-{s['speech_end']:7.3f}")
    print(f"{args.wav}: {len(stream) / RATE:.2f} s")


if __name__ == "__main__":
    main()
