"""Test speech in Piper's neural voice (en_US-joe-medium) for the Java tools (TurnRequests).

    PYTHONPATH=.cache/pydeps-eval python3 scripts/eval/say.py OUT.wav TEXT [TAIL PAUSE_MS]

Writes OUT.wav, 16 kHz mono PCM16: 0.3 s of silence, TEXT said (trimmed of Piper's own leading
and trailing silence), then --after seconds of silence (default 2). With TAIL and PAUSE_MS, a
request paused mid-sentence: TEXT is said with a trailing comma, which gives Piper's mid-sentence
(continuation) intonation, then PAUSE_MS of silence, then TAIL said with a full stop.
scripts/eval-set.sh installs Piper and its voice into .cache/pydeps-eval.
"""

import argparse
import pathlib
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_eval_set import RATE, Voices, read_wav, write_wav  # noqa: E402  (same directory)

BEFORE_SECONDS = 0.3


def voiced(x):
    """`x` without its leading and trailing 10 ms frames below -40 dBFS (keeping 30 ms of each)."""
    frame = RATE // 100
    n = x.size // frame
    levels = np.sqrt((x[: n * frame].reshape(n, frame) ** 2).mean(axis=1))
    loud = np.nonzero(levels > 0.01 * 32768)[0]
    return x[max(0, loud[0] - 3) * frame : (loud[-1] + 4) * frame]


class Piper:
    """Says texts with Piper, each trimmed by `voiced` (samples on the PCM16 scale)."""

    def __init__(self, tmp):
        self.voices = Voices(tmp)
        self.dst = tmp / "said.wav"

    def say(self, text):
        self.voices.say("piper", "joe", 1.0, text, self.dst)
        return voiced(read_wav(self.dst))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("text")
    parser.add_argument("tail", nargs="?")
    parser.add_argument("pause_ms", nargs="?", type=int)
    parser.add_argument("--after", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        piper = Piper(pathlib.Path(tmp))

        def silence(seconds):
            return np.zeros(int(seconds * RATE))

        if args.tail is None:
            parts = [piper.say(args.text)]
        else:
            pause = args.pause_ms / 1000
            parts = [piper.say(args.text + ","), silence(pause), piper.say(args.tail + ".")]
        pcm = np.concatenate([silence(BEFORE_SECONDS), *parts, silence(args.after)])
        write_wav(args.out, pcm)


if __name__ == "__main__":
    main()
