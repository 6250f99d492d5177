"""Can the turn model alone decide a pause before its words are recognised? (issue 23, item 1)

    scripts/turn-model-alone.sh          # sets up what this needs, then runs it

Scores Smart Turn v3.2 (the ONNX model the service runs, with pipecat's own log-mel front end read
from the pipecat-ai wheel) on two kinds of speech, each clip ending 200 ms into silence as the
service's turn judge sees a pause:

- neural: the requests of scripts/eval/turn-requests.tsv said by Piper's en_US-joe-medium voice.
  A head is synthesized alone with a trailing comma ("Please set an alarm for,"), which gives
  Piper's mid-sentence (continuation) intonation; a complete turn is the whole request said with
  that comma, then its full stop; plus the short answers.
- human: the real recordings of fixtures/corpus (LibriVox readers, card names, digits), cut after
  every word but the first and the last (word ends from faster-whisper's word timestamps on the
  same tiny.en weights), against each recording cut after its last word. Read speech cut inside a
  sentence, not a real hesitation: the intonation there is mid-sentence by construction.

A mid-sentence head judged complete (probability >= threshold) is a pause the model alone would
end; the service's target is that >= 95 % of such pauses are held. Prints every score and a
summary per threshold. Nothing is written but a temporary directory.
"""

import argparse
import pathlib
import sys
import tempfile

import numpy as np
import onnxruntime as ort

here = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(here), str(here.parent)]
from logmel_reference import front_end  # noqa: E402  (scripts/)
from make_eval_set import RATE, read_wav  # noqa: E402  (scripts/eval/)
from say import Piper  # noqa: E402

PAUSE_SECONDS = 0.2
THRESHOLDS = (0.5, 0.7, 0.9)


class TurnModel:
    def __init__(self, model, wheel):
        self.features = front_end(wheel)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), sess_options=options)

    def completeness(self, audio):
        """The model's probability that the turn is complete after `audio` (float, 16 kHz)."""
        mel = self.features(audio.astype(np.float32))
        return float(self.session.run(None, {"input_features": mel[None]})[0][0].item())


def read(path):
    """A 16 kHz mono PCM16 file as floats in [-1, 1]."""
    return (read_wav(path) / 32768).astype(np.float32)


def neural(model, texts, tmp):
    piper = Piper(tmp)
    silence = np.zeros(int(PAUSE_SECONDS * RATE))
    heads, turns = [], []

    def say(text):
        return (np.concatenate([piper.say(text), silence]) / 32768).astype(np.float32)

    for line in texts:
        if len(line) == 2:
            head, tail = line
            p_head = model.completeness(say(head + ","))
            p_turn = model.completeness(say(f"{head}, {tail}."))
            heads.append(p_head)
            turns.append(p_turn)
            print(f"neural  head {p_head:.2f}  turn {p_turn:.2f}  {head} | {tail}")
        else:
            p = model.completeness(say(line[0]))
            turns.append(p)
            print(f"neural  answer {p:.2f}  {line[0]}")
    return heads, turns


def human(model, fixtures, whisper):
    from faster_whisper import WhisperModel

    recognizer = WhisperModel(str(whisper), device="cpu", compute_type="int8")
    heads, turns = [], []
    for path in sorted(fixtures.glob("*.wav")):
        audio = read(path)
        segments, _ = recognizer.transcribe(str(path), beam_size=1, word_timestamps=True)
        words = [w for s in segments for w in s.words]
        silence = np.zeros(int(PAUSE_SECONDS * RATE), np.float32)
        for i, word in enumerate(words[1:-1], start=1):
            p = model.completeness(np.concatenate([audio[: int(word.end * RATE)], silence]))
            heads.append(p)
            said = "".join(w.word for w in words[: i + 1]).strip()
            print(f"human   head {p:.2f}  {path.name}: {said} |")
        if words:
            p = model.completeness(np.concatenate([audio[: int(words[-1].end * RATE)], silence]))
            turns.append(p)
            print(f"human   turn {p:.2f}  {path.name}: {''.join(w.word for w in words).strip()}")
    return heads, turns


def summary(name, heads, turns):
    heads, turns = np.array(heads), np.array(turns)
    for t in THRESHOLDS:
        held = int((heads < t).sum())
        ended = int((turns >= t).sum())
        print(
            f"{name:6s} threshold {t}: mid-sentence heads held {held}/{heads.size} "
            f"({100 * held / heads.size:.0f} %), complete turns ended {ended}/{turns.size} "
            f"({100 * ended / turns.size:.0f} %)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=pathlib.Path, required=True)
    parser.add_argument("--wheel", type=pathlib.Path, required=True)
    parser.add_argument("--texts", type=pathlib.Path, required=True)
    parser.add_argument("--fixtures", type=pathlib.Path, required=True)
    parser.add_argument("--whisper", type=pathlib.Path, required=True, help="CTranslate2 tiny.en")
    args = parser.parse_args()
    model = TurnModel(args.model, args.wheel)
    texts = [
        line.rstrip("\n").split("\t")
        for line in args.texts.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        n_heads, n_turns = neural(model, texts, pathlib.Path(tmp))
    h_heads, h_turns = human(model, args.fixtures, args.whisper)
    summary("neural", n_heads, n_turns)
    summary("human", h_heads, h_turns)


if __name__ == "__main__":
    main()
