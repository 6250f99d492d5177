#!/usr/bin/env python3
"""The faster-whisper peer on the evaluation set: every utterance of the manifest transcribed
alone by faster-whisper (CTranslate2) on the same tiny.en weights, as a user would run it offline:
int8, beam 5, full 30 s window, no VAD filter. Writes one JSON line per utterance
({"id", "text", "seconds"}) for `stt eval --peer-faster-whisper`, which scores it.

    peer_faster_whisper.py --manifest M --model-dir models/ct2-tiny.en --threads 2 --out F
"""

import argparse
import json
import time
import wave

import numpy as np
from faster_whisper import WhisperModel


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--manifest", required=True)
    p.add_argument("--model-dir", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--compute-type", default="int8")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    model = WhisperModel(args.model_dir, device="cpu", compute_type=args.compute_type,
                         cpu_threads=args.threads, num_workers=1)
    rows = [json.loads(l) for l in open(args.manifest) if l.strip()]
    with open(args.out, "w") as out:
        for i, r in enumerate(rows):
            with wave.open(r["wav"], "rb") as w:
                audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            audio = audio.astype(np.float32) / 32768.0
            if i == 0:
                list(model.transcribe(audio, language="en", beam_size=args.beam)[0])  # warm-up
            start = time.perf_counter()
            segments, _ = model.transcribe(audio, language="en", beam_size=args.beam,
                                           vad_filter=False)
            text = " ".join(s.text.strip() for s in segments)
            out.write(json.dumps({"id": r["id"], "text": text,
                                  "seconds": time.perf_counter() - start}) + "\n")


if __name__ == "__main__":
    main()
