#!/usr/bin/env python3
"""Benchmark peer: WhisperLive 0.10.0 (faster-whisper backend) fed the same conversation stream as
the service, measured the way a user feels it.

    python3 scripts/bench/peer_whisperlive.py --wav CONV.wav --spans SPANS.json \
        --model-dir models/ct2-tiny.en --out OUT.json [--chunk-ms 100] [--threads 1]

CONV.wav is a 16 kHz mono PCM16 stream; SPANS.json lists its utterances as
[{"name", "reference", "speech_start", "speech_end"}, ...] in seconds of the stream
(scripts/bench/make_stream.py writes both from the corpus).

What it does:
  1. starts WhisperLive's own TranscriptionServer in a child process (this file, --serve) on a free
     local port: backend faster_whisper, the local CTranslate2 directory as custom model (single
     model mode, as WhisperLive's launcher does for a custom model), int8 on CPU (WhisperLive picks
     int8 itself when there is no CUDA), --threads CTranslate2 threads (WhisperLive has no option
     for it; the launcher passes cpu_threads and sets OMP_NUM_THREADS);
  2. warms the model up with one short session (off with --no-warmup);
  3. connects as WhisperLive's own client does (same handshake JSON, float32 frames, VAD on: its
     default) and streams CONV.wav at real-time pace in --chunk-ms chunks, then keeps streaming
     silence, as an open microphone would, until every utterance has completed words and nothing
     is pending, or nothing arrives for --idle-timeout seconds (WhisperLive's client waits 15 s),
     or --tail-max seconds pass; then END_OF_AUDIO and close;
  4. matches the server's segments to utterances by time (WhisperLive's segment times are seconds
     from the first sample it received, i.e. stream time; checked against the spans and reported
     under time_base_check). Its segments are Whisper's, not utterances: one often runs across a
     1.5 s pause into the next utterance, so such a segment is split between the utterances its
     time reaches by aligning its words to their references (see "analysis" below). Writes
     OUT.json, every message with its arrival time to OUT.messages.jsonl (t: seconds from the
     first chunk sent) and the server's log to OUT.server.log.

Per utterance (seconds; null where it never happened):
  first_partial_after_onset      first message with text for the utterance, from when the chunk
                                 holding speech_start was sent;
  covering_end_after_speech_end  first message whose text reaches the utterance's last reference
                                 word (word alignment; a misrecognised last word counts), from when
                                 the chunk holding speech_end was sent (may be < 0);
  final_after_speech_end         the first message from which the utterance's words all stand in
                                 segments marked completed: true and stay as they end, from the same
                                 moment;
  final_text, wer                its completed words (the last partial where it never completed)
                                 and their word error rate, normalised as the service's
                                 src/tools/java/ai/voice/stt/eval/WordErrorRate.java.

Runs under the Python of scripts/bench/install-whisperlive.sh (.cache/whisperlive/venv); when
started by another Python it re-executes itself there ($WHISPERLIVE_PYTHON overrides).
"""

import argparse
import contextlib
import json
import math
import os
import pathlib
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
import uuid
import wave

REPO = pathlib.Path(__file__).resolve().parents[2]
VENV_PYTHON = REPO / ".cache" / "whisperlive" / "venv" / "bin" / "python"
TARGET_SITE = REPO / ".cache" / "whisperlive" / "site"
RATE = 16000
WHISPERLIVE_VERSION = "0.10.0"


# ---------------------------------------------------------------- interpreter


def ensure_interpreter():
    """Re-executes this script under the WhisperLive environment when this Python lacks it."""
    try:
        import numpy  # noqa: F401
        import websockets.sync.client  # noqa: F401
        import whisper_live  # noqa: F401

        return
    except ImportError as missing:
        reason = missing
    python = os.environ.get("WHISPERLIVE_PYTHON") or str(VENV_PYTHON)
    if not os.path.exists(python) and TARGET_SITE.is_dir():
        # install-whisperlive.sh's fallback where no venv could be made: pip --target
        python = sys.executable
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TARGET_SITE), os.environ.get("PYTHONPATH")]))
    if os.environ.get("_PEER_WHISPERLIVE_REEXEC") or not os.path.exists(python):
        sys.exit(
            f"peer_whisperlive: {reason} under {sys.executable}; install the peer with "
            f"scripts/bench/install-whisperlive.sh (or point WHISPERLIVE_PYTHON at a Python that has it)"
        )
    os.environ["_PEER_WHISPERLIVE_REEXEC"] = "1"
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


# ---------------------------------------------------------------- server (child process)


def serve(port, model_dir, threads, cache_dir):
    """Runs WhisperLive's TranscriptionServer; the few lines its run_server.py would."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import torch

    torch.set_num_threads(threads)
    import whisper_live.backend.faster_whisper_backend as backend

    class PinnedThreads(backend.WhisperModel):
        """WhisperLive creates WhisperModel without cpu_threads; pin it to --threads."""

        def __init__(self, *args, **kwargs):
            kwargs["cpu_threads"] = threads
            super().__init__(*args, **kwargs)

    backend.WhisperModel = PinnedThreads
    from whisper_live.server import TranscriptionServer

    TranscriptionServer().run(
        "127.0.0.1",
        port=port,
        backend="faster_whisper",
        faster_whisper_custom_model_path=model_dir,
        single_model=True,
        max_clients=4,
        max_connection_time=600,
        cache_path=cache_dir,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """user + system CPU of a live process, all threads (Linux /proc)."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


# ---------------------------------------------------------------- client


def handshake(model):
    """The JSON WhisperLive's Client.on_open sends, with its defaults (whisper_live/client.py)."""
    return {
        "uid": str(uuid.uuid4()),
        "language": "en",
        "task": "transcribe",
        "model": model,
        "use_vad": True,
        "send_last_n_segments": 10,
        "no_speech_thresh": 0.45,
        "clip_audio": False,
        "same_output_threshold": 10,
        "enable_translation": False,
        "target_language": "fr",
        "hotwords": None,
        "enable_diarization": False,
        "max_speakers": 10,
        "known_speakers": [],
        "word_timestamps": False,
        "initial_prompt": None,
        "vad_parameters": None,
    }


class Session:
    """One WebSocket session; a thread records every message with its monotonic arrival time."""

    def __init__(self, port, model, connect_timeout, server):
        from websockets.sync.client import connect

        deadline = time.monotonic() + connect_timeout
        self.stack = contextlib.ExitStack()
        while True:
            try:
                self.ws = self.stack.enter_context(connect(f"ws://127.0.0.1:{port}", max_size=None, open_timeout=10))
                break
            except (OSError, TimeoutError):
                if server.poll() is not None:
                    raise RuntimeError(f"the WhisperLive server exited with status {server.returncode}")
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        self.options = handshake(model)
        self.messages = []  # (monotonic time, dict)
        self.changed = threading.Condition()
        self.closed = False
        self.ws.send(json.dumps(self.options))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        from websockets.exceptions import ConnectionClosed

        try:
            for raw in self.ws:
                now = time.monotonic()
                try:
                    message = json.loads(raw)
                except (TypeError, ValueError):
                    message = {"raw": str(raw)[:200]}
                with self.changed:
                    self.messages.append((now, message))
                    self.changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self.changed:
                self.closed = True
                self.changed.notify_all()

    def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for _, message in self.messages:
                    if predicate(message):
                        return message
                if self.closed:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)

    def wait_ready(self, timeout):
        message = self.wait_for(lambda m: m.get("message") == "SERVER_READY" or m.get("status") == "ERROR", timeout)
        if message is None or message.get("status") == "ERROR":
            raise RuntimeError(f"WhisperLive did not get ready: {message}")
        return message

    def send_audio(self, samples):
        import numpy as np

        self.ws.send(np.asarray(samples, dtype=np.float32).tobytes())

    def finish(self, timeout=10.0):
        """END_OF_AUDIO as WhisperLive's client sends it, then wait for the server to close."""
        try:
            self.ws.send(b"END_OF_AUDIO")
        except Exception:
            pass
        self.reader.join(timeout)
        self.stack.close()


def read_wav(path):
    import numpy as np

    with wave.open(str(path), "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"peer_whisperlive: {path} is not 16 kHz mono 16-bit PCM")
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / 32768.0  # as WhisperLive's Client.bytes_to_float_array


def warm_up(port, model, audio, spans, timeout, server):
    """One short session so that model load and first-call costs fall outside the measurement."""
    session = Session(port, model, timeout, server)
    session.wait_ready(timeout)
    start = int(spans[0]["speech_start"] * RATE) if spans else 0
    session.send_audio(audio[start:start + 3 * RATE])
    session.wait_for(lambda m: "segments" in m, 60)
    session.finish()
    time.sleep(0.5)


# ---------------------------------------------------------------- words and scoring

_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_DIGITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
           "fifteen sixteen seventeen eighteen nineteen twenty").split()
_TITLES = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}


def words(text):
    """Lower case, no punctuation or accents, numbers up to twenty spelled out, hyphens split:
    the normalisation of the service's WordErrorRate.java, so both WERs compare."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower().replace("-", " ")
    out = []
    for w in _NOT_WORD.sub(" ", folded).split():
        w = w.strip("'")
        if not w:
            continue
        if w.isdigit() and len(w) <= 2 and int(w) < len(_DIGITS):
            w = _DIGITS[int(w)]
        out.append(_TITLES.get(w, w))
    return out


def distance_table(ref, hyp):
    table = [[0] * (len(hyp) + 1) for _ in range(len(ref) + 1)]
    for j in range(len(hyp) + 1):
        table[0][j] = j
    for i in range(1, len(ref) + 1):
        table[i][0] = i
        for j in range(1, len(hyp) + 1):
            table[i][j] = min(table[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]),
                              table[i - 1][j] + 1, table[i][j - 1] + 1)
    return table


def wer(reference, hypothesis):
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return distance_table(ref, hyp)[len(ref)][len(hyp)] / len(ref)


# ---------------------------------------------------------------- analysis
#
# WhisperLive's segments are Whisper's, not the utterances: with 1.5 s pauses one segment often
# runs from the middle of one utterance into the next ("... for them. He was not an ill-disposed
# young man, unless to be rather"). So segments are matched to utterances by time, and a segment
# spanning several is split between them by its words: the words of everything on screen (the
# completed segments so far plus the partial of the message) are aligned to the references of all
# utterances in order, a hypothesis word may only stand for a reference word of an utterance its
# segment's [start, end] reaches (within --time-slack), and each word goes to the utterance of the
# reference word it stands for (inserted words to their neighbour in the same segment).


class View:
    """What a client shows after one message: completed segments so far plus the current partial,
    in stream order, cut into tokens that are each assigned to an utterance."""

    def __init__(self, t, segments, spans, reference, slack):
        self.t = t
        self.tokens = []  # (utterance or None, token text, completed)
        hyp = []  # (normalised word, token index, allowed utterances)
        for seg in segments:
            start, end = float(seg["start"]), float(seg["end"])
            allowed = frozenset(k for k, span in enumerate(spans)
                                if start - slack <= span["speech_end"] and end + slack >= span["speech_start"])
            first = len(self.tokens)
            for token in (seg.get("text") or "").split():
                for word in words(token):
                    hyp.append((word, len(self.tokens), allowed))
                self.tokens.append([None, token, bool(seg.get("completed")), first, seg])
        self.reached, aligned = align(reference, hyp)
        for (word, token, _), ref_index in zip(hyp, aligned):
            if ref_index is not None and self.tokens[token][0] is None:
                self.tokens[token][0] = reference[ref_index][1]
        # unaligned tokens (insertions, punctuation) go with a neighbour in the same segment,
        # else with the utterance whose time the segment overlaps most
        for i, tok in enumerate(self.tokens):
            if tok[0] is None:
                same = [j for j in range(len(self.tokens)) if self.tokens[j][3] == tok[3] and self.tokens[j][0] is not None]
                before = [j for j in same if j < i]
                after = [j for j in same if j > i]
                if before or after:
                    tok[0] = self.tokens[before[-1] if before else after[0]][0]
                else:
                    tok[0] = time_owner(tok[4], spans)

    def text(self, k, completed_only=False):
        return " ".join(tok[1] for tok in self.tokens if tok[0] == k and (tok[2] or not completed_only))

    def state(self, k):
        """(completed text of utterance k, whether it also has words not yet completed)"""
        return self.text(k, True), any(tok[0] == k and not tok[2] for tok in self.tokens)


def align(reference, hyp):
    """Word alignment of hyp to a prefix of reference (the rest is not spoken or not recognised
    yet), matches and substitutions only where the hyp word's segment may reach the reference
    word's utterance. Returns (reference words consumed, per hyp word the reference index it
    stands for or None)."""
    n, m = len(reference), len(hyp)
    inf = float("inf")
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        table[0][j] = j
    for i in range(1, n + 1):
        rw, rk = reference[i - 1]
        row, above = table[i], table[i - 1]
        row[0] = i
        for j in range(1, m + 1):
            hw, _, allowed = hyp[j - 1]
            diagonal = above[j - 1] + (rw != hw) if rk in allowed else inf
            row[j] = min(diagonal, above[j] + 1, row[j - 1] + 1)
    best = min(table[i][m] for i in range(n + 1))
    reached = max(i for i in range(n + 1) if table[i][m] == best)  # ties: the recogniser got further
    aligned = [None] * m
    i, j = reached, m
    while i > 0 and j > 0:
        rw, rk = reference[i - 1]
        hw, _, allowed = hyp[j - 1]
        if rk in allowed and table[i][j] == table[i - 1][j - 1] + (rw != hw):
            aligned[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif table[i][j] == table[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return reached, aligned


def time_owner(segment, spans):
    """The utterance whose stretch of stream (up to the middles of the pauses around it) the
    segment overlaps most."""
    start, end = float(segment["start"]), float(segment["end"])
    end = max(end, start + 1e-3)
    bounds = [-math.inf] + [(a["speech_end"] + b["speech_start"]) / 2 for a, b in zip(spans, spans[1:])] + [math.inf]
    overlaps = [max(0.0, min(end, hi) - max(start, lo)) for lo, hi in zip(bounds, bounds[1:])]
    return max(range(len(spans)), key=lambda k: overlaps[k])


def reference_words(spans):
    return [(w, k) for k, span in enumerate(spans) for w in words(span["reference"])]


def views_of(messages, spans, slack, last_only=False):
    """One View per segments message (or only the last), completed segments accumulated across
    messages (each message carries only the last send_last_n_segments of them)."""
    reference = reference_words(spans)
    completed = {}
    views = []
    stream = [(t, m) for t, m in messages if isinstance(m.get("segments"), list)]
    for index, (t, message) in enumerate(stream):
        partial = []
        for seg in message["segments"]:
            if seg.get("completed"):
                completed.setdefault((seg["start"], seg["end"], (seg.get("text") or "").strip()), seg)
            else:
                partial.append(seg)
        shown = sorted(completed.values(), key=lambda s: (float(s["start"]), float(s["end"])))
        shown += sorted(partial, key=lambda s: float(s["start"]))
        if not last_only or index == len(stream) - 1:
            views.append(View(t, shown, spans, reference, slack))
    return views


def analyse(spans, messages, sent_at, chunk, slack):
    reference = reference_words(spans)
    ends = []  # reference words consumed once utterance k's last word is covered
    for k in range(len(spans)):
        ends.append(sum(1 for _, kk in reference if kk <= k))
    views = views_of(messages, spans, slack)

    def sent(seconds):
        return sent_at[min(len(sent_at) - 1, max(0, int(seconds * RATE) // chunk))]

    results, starts, stops = [], [], []
    for k, span in enumerate(spans):
        onset, end = sent(span["speech_start"]), sent(span["speech_end"])
        first = next((v.t - onset for v in views if v.t >= onset and v.text(k)), None)
        covering = next((v.t - end for v in views if v.t >= onset and v.reached >= ends[k] and v.text(k)), None)
        # final: from the first message on which utterance k's completed text is the one it ends
        # with and nothing of it is pending any more
        final = None
        if views:
            last = views[-1].state(k)
            if last[0] and not last[1]:
                index = len(views) - 1
                while index > 0 and views[index - 1].state(k) == last:
                    index -= 1
                final = views[index].t - end
        text = views[-1].text(k, completed_only=final is not None) if views else ""
        if views and final is not None:
            mine = [tok for tok in views[-1].tokens if tok[0] == k and tok[2]]
            first_tok, last_tok = mine[0], mine[-1]
            seg_first = [tok for tok in views[-1].tokens if tok[3] == first_tok[3]]
            seg_last = [tok for tok in views[-1].tokens if tok[3] == last_tok[3]]
            if seg_first[0] is first_tok:
                starts.append(float(first_tok[4]["start"]) - span["speech_start"])
            if seg_last[-1] is last_tok:
                stops.append(float(last_tok[4]["end"]) - span["speech_end"])
        results.append({
            "name": span["name"],
            "first_partial_after_onset": _round(first),
            "covering_end_after_speech_end": _round(covering),
            "final_after_speech_end": _round(final),
            "final_text": text,
            "wer": round(wer(span["reference"], text), 4),
            "completed": final is not None,
        })
    return results, starts, stops


def _round(value):
    return None if value is None else round(value, 3)


def all_settled(spans, messages, slack):
    """Nothing pending in the latest segments message and every utterance has completed words."""
    latest = next((m for _, m in reversed(messages) if isinstance(m.get("segments"), list)), None)
    if latest is None or not all(s.get("completed") for s in latest["segments"]):
        return False
    view = views_of(messages, spans, slack, last_only=True)[-1]
    return all(view.text(k, completed_only=True) for k in range(len(spans)))


# ---------------------------------------------------------------- main


def measure(args):
    import numpy as np

    spans = json.loads(args.spans.read_text())
    for s in spans:
        s["speech_start"], s["speech_end"] = float(s["speech_start"]), float(s["speech_end"])
    spans.sort(key=lambda s: s["speech_start"])
    audio = read_wav(args.wav)
    model_dir = os.path.abspath(args.model_dir)
    if not os.path.exists(os.path.join(model_dir, "model.bin")):
        sys.exit(f"peer_whisperlive: no CTranslate2 model (model.bin) in {args.model_dir}")
    model_name = args.model_name or re.sub(r"^ct2-", "", os.path.basename(model_dir.rstrip("/")))
    chunk = max(1, int(round(args.chunk_ms * RATE / 1000)))
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("")
    log_path = pathlib.Path(f"{stem}.server.log")
    cache_dir = REPO / ".cache" / "whisperlive" / "cache"
    cache_dir.mkdir(parents=True, exist_ok=True)

    from importlib.metadata import version

    versions = {p: version(p) for p in ("whisper-live", "faster-whisper", "ctranslate2", "onnxruntime", "torch")}
    port = free_port()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    started = time.monotonic()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", str(port), "--model-dir", model_dir,
             "--threads", str(args.threads), "--cache-dir", str(cache_dir)],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(REPO))
    try:
        if not args.no_warmup:
            warm_up(port, model_dir, audio, spans, args.start_timeout, server)
        session = Session(port, model_dir, args.start_timeout, server)
        session.wait_ready(args.start_timeout)
        startup = time.monotonic() - started

        silence = np.zeros(chunk, dtype=np.float32)
        sent_at = []
        cpu_before = cpu_seconds(server.pid)
        t0 = time.monotonic()
        i = 0
        tail_chunks = 0
        stop_reason = None
        checked = 0
        while True:
            due = t0 + i * chunk / RATE
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if i * chunk < len(audio):
                session.send_audio(audio[i * chunk:(i + 1) * chunk])
            else:
                # after the file: an open microphone, silence at real-time pace
                now = time.monotonic()
                with session.changed:
                    snapshot = list(session.messages)
                    closed = session.closed
                last = snapshot[-1][0] if snapshot else t0
                if closed:
                    stop_reason = "server closed the connection"
                elif len(snapshot) != checked and all_settled(spans, snapshot, args.time_slack):
                    stop_reason = "all utterances completed"
                elif now - last >= args.idle_timeout:
                    stop_reason = f"no message for {args.idle_timeout:g} s"
                elif tail_chunks * chunk / RATE >= args.tail_max:
                    stop_reason = f"tail limit {args.tail_max:g} s"
                checked = len(snapshot)
                if stop_reason:
                    break
                session.send_audio(silence)
                tail_chunks += 1
            sent_at.append(time.monotonic())
            i += 1
        wall = time.monotonic() - t0
        cpu_after = cpu_seconds(server.pid)
        session.finish()
    except BaseException:
        lines = log_path.read_text(errors="replace").splitlines()[-20:] if log_path.exists() else []
        print("peer_whisperlive: failed; the server log ends with:\n  " + "\n  ".join(lines), file=sys.stderr)
        raise
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    messages = session.messages
    utterances, starts, stops = analyse(spans, messages, sent_at, chunk, args.time_slack)
    with open(f"{stem}.messages.jsonl", "w") as f:
        for t, m in messages:
            f.write(json.dumps({"t": round(t - t0, 4), "message": m}) + "\n")
    keys = ("first_partial_after_onset", "covering_end_after_speech_end", "final_after_speech_end")
    nulls = {key: sum(u[key] is None for u in utterances) for key in keys}
    threads = f"{args.threads} thread" + ("s" if args.threads != 1 else "")
    report = {
        "peer": f"whisperlive {versions['whisper-live']} (faster-whisper int8, {model_name}, {threads})",
        "versions": versions,
        "settings": {
            "backend": "faster_whisper",
            "model_dir": str(args.model_dir),
            "compute_type": "int8 (WhisperLive's choice on CPU)",
            "device": "cpu",
            "cpu_threads": args.threads,
            "single_model": True,
            "chunk_ms": args.chunk_ms,
            "audio_format": "float32",
            "pace": "real time",
            "warmup": not args.no_warmup,
            "handshake": {k: v for k, v in session.options.items() if k != "uid"},
            "decoding": "WhisperLive defaults: beam_size 5, temperature fallback, condition_on_previous_text, "
                        "faster-whisper Silero VAD filter (threshold 0.5)",
            "matching": "segments to utterances by time (slack %g s), a segment spanning several split by "
                        "word alignment to the references" % args.time_slack,
            "after_stream": "silence at real-time pace until every utterance has completed words, "
                            f"{args.idle_timeout:g} s without a message or {args.tail_max:g} s",
            "stop_reason": stop_reason,
            "tail_seconds": round(tail_chunks * chunk / RATE, 3),
            "time_base": "segment start/end are seconds from the first sample sent (stream time)",
        },
        "utterances": utterances,
        "null_counts": nulls,
        "nulls": sum(nulls.values()),
        "mean_wer": round(statistics.fmean(u["wer"] for u in utterances), 4) if utterances else None,
        "time_base_check": {
            "what": "where a completed segment starts with an utterance's first word: segment start minus "
                    "speech_start; where one ends with its last word: segment end minus speech_end (seconds)",
            "start_offsets": [round(x, 3) for x in starts],
            "end_offsets": [round(x, 3) for x in stops],
            "median_start_offset": round(statistics.median(starts), 3) if starts else None,
            "median_end_offset": round(statistics.median(stops), 3) if stops else None,
        },
        "messages": len(messages),
        "cpu_seconds": None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 3),
        "cpu_of": "WhisperLive server process (all threads), from the first chunk sent to the end of the tail",
        "wall_seconds": round(wall, 3),
        "audio_seconds": round(len(sent_at) * chunk / RATE, 3),
        "startup_seconds": round(startup, 3),
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    for u in utterances:
        print(f"{u['name']:16s} first {_fmt(u['first_partial_after_onset'])}  covering "
              f"{_fmt(u['covering_end_after_speech_end'])}  final {_fmt(u['final_after_speech_end'])}  "
              f"wer {u['wer']:.2f}  {u['final_text']!r}")
    print(f"{report['peer']}: cpu {report['cpu_seconds']} s over wall {report['wall_seconds']} s, "
          f"stop: {stop_reason}, nulls {report['nulls']}, segment start - speech_start median "
          f"{report['time_base_check']['median_start_offset']} s -> {out}")


def _fmt(value):
    return "  null" if value is None else f"{value:6.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wav", type=pathlib.Path)
    parser.add_argument("--spans", type=pathlib.Path)
    parser.add_argument("--model-dir", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path)
    parser.add_argument("--chunk-ms", type=float, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--model-name", help="model name for the peer label (default: model dir name less ct2-)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the warm-up session")
    parser.add_argument("--idle-timeout", type=float, default=15.0)
    parser.add_argument("--tail-max", type=float, default=45.0)
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--time-slack", type=float, default=1.0,
                        help="seconds a segment's times may miss an utterance's span and still hold its words")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    ensure_interpreter()
    if args.serve:
        serve(args.serve, str(args.model_dir), args.threads, args.cache_dir)
        return
    missing = [f"--{n.replace('_', '-')}" for n in ("wav", "spans", "model_dir", "out") if getattr(args, n) is None]
    if missing:
        parser.error("missing " + ", ".join(missing))
    measure(args)


if __name__ == "__main__":
    main()
