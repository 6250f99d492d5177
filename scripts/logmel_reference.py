"""Reference log-mel features for LogMelSpectrogramTest: Smart Turn's own front end.

    python3 scripts/logmel_reference.py WHEEL IN.f32 OUT.f32

Loads pipecat's numpy port of transformers' WhisperFeatureExtractor (_whisper_features.py)
straight from the pipecat-ai wheel that scripts/ensure-turn-model.sh keeps in .cache/turn (only
numpy is needed), pads or cuts the float32 input to its last 8 s as pipecat's
LocalSmartTurnAnalyzerV3 does, and writes the 80 x 800 features as float32, row-major.
"""

import sys
import types
import zipfile

import numpy as np

MEMBER = "pipecat/audio/turn/smart_turn/_whisper_features.py"


def front_end(wheel):
    """pipecat's Smart Turn front end, read from the wheel: features(audio) -> 80 x 800 log-mel."""
    with zipfile.ZipFile(wheel) as archive:
        code = archive.read(MEMBER).decode("utf-8")
    module = types.ModuleType("_whisper_features")
    exec(compile(code, MEMBER, "exec"), module.__dict__)

    def features(audio):
        n = 8 * 16000
        audio = audio[-n:] if audio.size > n else np.pad(audio, (n - audio.size, 0))
        return module.compute_whisper_log_mel_features(audio, do_normalize=True)

    return features


def main(wheel, source, target):
    features = front_end(wheel)(np.fromfile(source, dtype=np.float32))
    features.astype(np.float32).tofile(target)


if __name__ == "__main__":
    main(*sys.argv[1:4])
