#!/usr/bin/env python3
"""Turns bench.json (+ peer.json) into a latency plot and a Markdown summary.

    report.py --bench target/bench/bench.json --peer target/bench/peer.json \
        --plot docs/benchmarks-latency.png --markdown target/bench/summary.md
"""

import argparse
import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot(bench, peer, path):
    n = [l["sessions"] for l in bench["load"]]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for key, style in (("p50", "o-"), ("p95", "s-"), ("p99", "^-")):
        ax.plot(n, [l["final_latency"][key] for l in bench["load"]], style, label=f"service final latency {key}")
    ax.axhline(bench["floor"]["latency"]["p50"], color="black", ls="--", label="floor: whisper.cpp alone, p50")
    if peer:
        for run, color in zip(peer["runs"], ("tab:red", "tab:purple")):
            ax.axhline(run["latency"]["p50"], color=color, ls=":", label=f"peer faster-whisper {run['compute_type']}, p50")
    ax.axhline(1.5, color="grey", ls="-.", lw=0.8, label="capacity limit (p95 < 1.5 s)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(n, [str(x) for x in n])
    ax.set_xlabel("concurrent real-time sessions")
    ax.set_ylabel("seconds from end of utterance audio to final result")
    threads = f"{bench['threads_per_worker']} thread(s)" + (", elastic" if bench.get("elastic_threads") else "")
    ax.set_title(f"{bench['model']}, {bench['workers']} worker(s) x {threads}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def markdown(bench, peer):
    lines = [
        "| N | utterances | final p50 | p95 | p99 | first result p50 | after end-point p50 | inference p50 | queue p95 | audio s/s | CPU | peak RSS | errors | lost | WER |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for l in bench["load"]:
        f = l["final_latency"]
        lines.append(
            f"| {l['sessions']} | {l['utterances']} | {f['p50']:.2f} s | {f['p95']:.2f} s | {f['p99']:.2f} s"
            f" | {l['first_result_latency']['p50']:.2f} s | {l['after_endpoint']['p50']:.2f} s"
            f" | {l['inference']['p50']:.2f} s | {l['queue']['p95']:.2f} s | {l['audio_seconds_per_second']:.1f}"
            f" | {l['cpu_percent']:.0f}% | {l['peak_rss_mib']:.0f} MiB | {l['errors']} | {l['lost_results']}"
            f" | {100 * l['mean_wer']:.1f}% |"
        )
    floor = bench["floor"]
    lines += [
        "",
        "| recognizer, same utterances | p50 | p95 | throughput (audio s per s, all workers) |",
        "|---|---|---|---|",
        f"| floor: whisper.cpp via whisper-jni, no NATS/VAD/sessions | {floor['latency']['p50']:.3f} s"
        f" | {floor['latency']['p95']:.3f} s | {floor['audio_seconds_per_second']:.1f} |",
    ]
    if peer:
        for run in peer["runs"]:
            lines.append(
                f"| peer: {peer['peer']}, {run['compute_type']} | {run['latency']['p50']:.3f} s"
                f" | {run['latency']['p95']:.3f} s | {run['audio_seconds_per_second']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bench", type=pathlib.Path, required=True)
    parser.add_argument("--peer", type=pathlib.Path)
    parser.add_argument("--plot", type=pathlib.Path, required=True)
    parser.add_argument("--markdown", type=pathlib.Path, required=True)
    args = parser.parse_args()
    bench = json.loads(args.bench.read_text())
    peer = json.loads(args.peer.read_text()) if args.peer and args.peer.exists() else None
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    plot(bench, peer, args.plot)
    args.markdown.write_text(markdown(bench, peer))
    print(args.markdown.read_text())


if __name__ == "__main__":
    main()
