#!/usr/bin/env python3
"""The peer: faster-whisper (CTranslate2) on the same tiny.en weights and the same utterances.

Measures, for each compute type (int8, float32), on CPU with the given thread count:
  - latency of each corpus recording transcribed alone (sequentially), after a warm-up;
  - throughput with W workers busy (audio seconds transcribed per wall second).
Greedy decoding (beam_size=1), no VAD filter, no timestamps conditioning on previous text: the
same work whisper.cpp does in the service.

    peer_faster_whisper.py --model models/ct2-tiny.en --fixtures fixtures --threads 1 \
        --workers 2 --out target/bench/peer.json
"""

import argparse
import json
import pathlib
import statistics
import sys
import time
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from faster_whisper import WhisperModel


def load_corpus(fixtures: pathlib.Path):
    rows = []
    for line in (fixtures / "corpus" / "transcripts.tsv").read_text().splitlines():
        if not line.strip():
            continue
        name, reference = line.split("\t", 1)
        with wave.open(str(fixtures / "corpus" / f"{name}.wav"), "rb") as w:
            if w.getframerate() != 16000 or w.getnchannels() != 1 or w.getsampwidth() != 2:
                sys.exit(f"peer: {name} is not 16 kHz mono 16-bit")
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        rows.append((name, reference, pcm.astype(np.float32) / 32768.0))
    return rows


def transcribe(model, audio):
    segments, _ = model.transcribe(
        audio,
        language="en",
        beam_size=1,
        best_of=1,
        condition_on_previous_text=False,
        vad_filter=False,
        without_timestamps=False,
    )
    return " ".join(s.text.strip() for s in segments)


def percentile(values, p):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[index]


def measure(model_dir, corpus, compute_type, threads, workers):
    model = WhisperModel(
        str(model_dir),
        device="cpu",
        compute_type=compute_type,
        cpu_threads=threads,
        num_workers=workers,
    )
    transcribe(model, corpus[0][2])  # warm-up
    latencies, texts = [], {}
    for name, _, audio in corpus:
        start = time.perf_counter()
        texts[name] = transcribe(model, audio)
        latencies.append(time.perf_counter() - start)
    audio_seconds = sum(len(a) for _, _, a in corpus) / 16000.0
    rounds = 2
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda item: transcribe(model, item[2]), corpus * rounds))
    wall = time.perf_counter() - start
    return {
        "compute_type": compute_type,
        "latency": {
            "p50": statistics.median(latencies),
            "p95": percentile(latencies, 95),
            "mean": statistics.fmean(latencies),
            "count": len(latencies),
        },
        "audio_seconds_per_second": rounds * audio_seconds / wall,
        "transcripts": texts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=pathlib.Path, required=True)
    parser.add_argument("--fixtures", type=pathlib.Path, default=pathlib.Path("fixtures"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    if not (args.model / "model.bin").exists():
        sys.exit(f"peer: no CTranslate2 model at {args.model} (scripts/ensure-model.sh makes it)")
    corpus = load_corpus(args.fixtures)
    import faster_whisper
    import ctranslate2

    report = {
        "peer": f"faster-whisper {faster_whisper.__version__} (CTranslate2 {ctranslate2.__version__})",
        "threads": args.threads,
        "workers": args.workers,
        "runs": [measure(args.model, corpus, ct, args.threads, args.workers) for ct in ("int8", "float32")],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    for run in report["runs"]:
        print(
            f"peer {run['compute_type']:8s} p50 {run['latency']['p50']:.3f} s  "
            f"p95 {run['latency']['p95']:.3f} s  throughput {run['audio_seconds_per_second']:.1f} audio s/s"
        )


if __name__ == "__main__":
    main()
