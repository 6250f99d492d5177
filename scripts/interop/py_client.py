#!/usr/bin/env python3
"""Interop check: streams a WAV file to voice-stt the way a user of the original
Python module does, with the unchanged third-party libraries `nats-py` and
`msgpack`, and checks the transcription results.

    python3 scripts/interop/py_client.py --nats-url nats://127.0.0.1:4222 \
        --wav fixtures/streams/multi_utterance.wav \
        --reference fixtures/streams/multi_utterance.txt --session interop-1

Protocol (every message a msgpack map):
  ai.voice.stream.{session}         start, chunk (audio_b64 = base64 PCM s16le), end
  ai.voice.transcription.{session}  transcription / interrupt / error

Checks: transcription sequences are 0..n-1 without gaps; exactly one result has
end_of_stream and it is the last; one non-empty final per reference line; no
error messages; word error rate of the joined finals against the joined
reference below --max-wer (0.35). Exit status 0 when all pass, 1 otherwise.
"""

import argparse
import asyncio
import base64
import importlib.metadata
import json
import re
import sys
import time
import wave

import msgpack
import nats

CHUNK_SECONDS = 0.020  # 20 ms chunks, sent at real-time pace

# --------------------------------------------------------------------------- WER

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_SUBSTITUTIONS = {str(n): word for n, word in enumerate(_NUMBER_WORDS)}
_SUBSTITUTIONS.update({"mr": "mister"})


def normalise(text):
    """Lower case, no punctuation, 0-20 spelled out, "mr" -> "mister"; a word list."""
    text = text.lower()
    text = re.sub(r"['\u2019]", "", text)  # don't -> dont, on both sides alike
    text = re.sub(r"[^a-z0-9]+", " ", text)  # hyphens, dots, commas ... -> space
    return [_SUBSTITUTIONS.get(word, word) for word in text.split()]


def word_error_rate(reference, hypothesis):
    """(substitutions + deletions + insertions) / reference words, on normalised words."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, hyp_word in enumerate(hyp, 1):
            current[j] = min(
                previous[j] + 1,  # deletion
                current[j - 1] + 1,  # insertion
                previous[j - 1] + (ref_word != hyp_word),  # substitution / match
            )
        previous = current
    return previous[-1] / len(ref)


# ----------------------------------------------------------------------- client


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def read_wav(path):
    with wave.open(path, "rb") as wav:
        if wav.getsampwidth() != 2:
            raise SystemExit(f"{path}: need 16-bit PCM, got {8 * wav.getsampwidth()}-bit")
        rate, channels = wav.getframerate(), wav.getnchannels()
        return rate, channels, wav.readframes(wav.getnframes())


async def stream_and_collect(args):
    rate, channels, pcm = read_wav(args.wav)
    in_subject = f"ai.voice.stream.{args.session}"
    out_subject = f"ai.voice.transcription.{args.session}"

    received = []
    done = asyncio.Event()

    async def on_result(msg):
        data = msgpack.unpackb(msg.data, raw=False)
        received.append(data)
        if data.get("end_of_stream"):
            done.set()

    nc = await nats.connect(args.nats_url)
    try:
        await nc.subscribe(out_subject, cb=on_result)
        await nc.flush()  # the subscription is live before any audio goes out

        await nc.publish(
            in_subject,
            msgpack.packb(
                {
                    "type": "start",
                    "session_id": args.session,
                    "sample_rate": rate,
                    "channels": channels,
                    "state": "listening",
                    "speaker_id": args.speaker,
                }
            ),
        )
        chunk_bytes = int(rate * CHUNK_SECONDS) * channels * 2
        chunks = [pcm[i : i + chunk_bytes] for i in range(0, len(pcm), chunk_bytes)]
        print(
            f"streaming {args.wav}: {len(pcm) / (2 * channels * rate):.2f} s, "
            f"{len(chunks)} chunks of 20 ms at real-time pace to {in_subject}",
            flush=True,
        )
        started = time.monotonic()
        for i, chunk in enumerate(chunks):
            await nc.publish(
                in_subject,
                msgpack.packb(
                    {
                        "type": "chunk",
                        "audio_b64": base64.b64encode(chunk).decode("ascii"),
                        "timestamp": time.time(),
                    }
                ),
            )
            delay = started + (i + 1) * CHUNK_SECONDS - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await nc.publish(in_subject, msgpack.packb({"type": "end"}))
        await nc.flush()
        print(f"sent end after {time.monotonic() - started:.2f} s; waiting for end_of_stream", flush=True)
        try:
            await asyncio.wait_for(done.wait(), timeout=args.timeout)
            timed_out = False
        except asyncio.TimeoutError:
            timed_out = True
        await asyncio.sleep(0.2)  # anything published after end_of_stream would be a bug
    finally:
        await nc.drain()
    return received, timed_out


def check(received, timed_out, reference_lines, max_wer):
    failures = []
    results = [m for m in received if m.get("type") == "transcription"]
    errors = [m for m in received if m.get("type") == "error"]
    interrupts = [m for m in received if m.get("type") == "interrupt"]

    print(f"\nreceived {len(received)} messages: {len(results)} transcription, "
          f"{len(interrupts)} interrupt, {len(errors)} error")
    for m in received:
        if m.get("type") == "transcription":
            flags = ",".join(f for f in ("is_partial", "is_final", "end_of_stream") if m.get(f))
            print(f"  #{m.get('sequence')} [{flags}] "
                  f"{m.get('audio_start', 0):6.2f}-{m.get('audio_end', 0):6.2f} s "
                  f"{m.get('transcript')!r}")
        else:
            print(f"  {m.get('type')}: {m}")

    if timed_out:
        failures.append(f"no end_of_stream result within the timeout")
    if errors:
        failures.append(f"{len(errors)} error message(s): {errors}")

    sequences = [m.get("sequence") for m in results]
    if sequences != list(range(len(results))):
        failures.append(f"sequences are not 0..{len(results) - 1} without gaps: {sequences}")

    eos = [i for i, m in enumerate(results) if m.get("end_of_stream")]
    if len(eos) != 1:
        failures.append(f"{len(eos)} results with end_of_stream, expected exactly 1")
    elif eos[0] != len(results) - 1:
        failures.append(f"end_of_stream is result {eos[0]}, not the last ({len(results) - 1})")
    if received and received[-1] is not (results[eos[-1]] if eos else None):
        failures.append("a message arrived after the end_of_stream result")

    finals = [m for m in results if m.get("is_final") and str(m.get("transcript", "")).strip()]
    spoken_partials = [m for m in results if not m.get("is_final") and str(m.get("transcript", "")).strip()]
    if len(finals) != len(reference_lines):
        failures.append(f"{len(finals)} non-empty finals, expected one per reference line "
                        f"({len(reference_lines)})")

    print()
    for i, ref in enumerate(reference_lines):
        hyp = finals[i]["transcript"] if i < len(finals) else "<missing>"
        print(f"  utterance {i}: ref={ref!r}\n               hyp={hyp!r}")
    reference = " ".join(reference_lines)
    hypothesis = " ".join(str(m["transcript"]).strip() for m in finals)
    wer = word_error_rate(reference, hypothesis)
    print(f"  WER {100 * wer:.1f}% (limit {100 * max_wer:.0f}%)"
          f"{'; non-empty partials: %d' % len(spoken_partials) if spoken_partials else ''}")
    if wer >= max_wer:
        failures.append(f"WER {wer:.3f} >= {max_wer}")
    return failures, wer, len(results), len(finals)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nats-url", default="nats://127.0.0.1:4222")
    parser.add_argument("--wav", default="fixtures/streams/multi_utterance.wav")
    parser.add_argument("--reference", default="fixtures/streams/multi_utterance.txt")
    parser.add_argument("--session", default=f"interop-{int(time.time())}")
    parser.add_argument("--speaker", default="interop-speaker")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds to wait for end_of_stream after sending end")
    parser.add_argument("--max-wer", type=float, default=0.35)
    parser.add_argument("--save", metavar="JSON", help="write every received message to this file")
    args = parser.parse_args()

    with open(args.reference, encoding="utf-8") as f:
        reference_lines = [line.strip() for line in f if line.strip()]

    print(f"nats-py {_version('nats-py')}, msgpack {_version('msgpack')}; session {args.session}")
    received, timed_out = asyncio.run(stream_and_collect(args))
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            json.dump(received, f, indent=1)
    failures, wer, n_results, n_finals = check(received, timed_out, reference_lines, args.max_wer)

    for failure in failures:
        print(f"FAIL: {failure}")
    status = "PASS" if not failures else "FAIL"
    print(f"py_client: {status} session={args.session} results={n_results} "
          f"finals={n_finals}/{len(reference_lines)} WER={100 * wer:.1f}% failures={len(failures)}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
