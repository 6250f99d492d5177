#!/usr/bin/env bash
# Smart Turn v3.2 alone on neural-voice and human speech: how many mid-sentence pauses it would
# end, and how many complete turns it would, at three thresholds (scripts/eval/turn_model_alone.py
# says how the clips are made). Not part of scripts/test.sh: a measurement, ~2 minutes on 2 cores.
# Installs what it needs with the project's own scripts (the model, Piper and faster-whisper).
#
#   scripts/turn-model-alone.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/ensure-model.sh >/dev/null # the project model; also links models/ct2-tiny.en
model=$(bash scripts/ensure-turn-model.sh | tail -n 1)
bash scripts/eval-set.sh >/dev/null # installs .cache/pydeps-eval (Piper, onnxruntime, faster-whisper)
PYTHONPATH=.cache/pydeps-eval nice -n 10 python3 scripts/eval/turn_model_alone.py \
  --model "$model" --wheel .cache/turn/pipecat_ai-*-py3-none-any.whl \
  --texts scripts/eval/turn-requests.tsv --fixtures fixtures/corpus --whisper models/ct2-tiny.en
