"""Renders the chart's Grafana dashboard from a Prometheus that scraped a bench run.

    python3 scripts/helm/render_dashboard.py PROMETHEUS_URL DASHBOARD.json START END OUT.png [NOTE]

Every time-series panel of the dashboard, with the queries it ships (the dashboard's variables
set to "all"), evaluated as range queries over START..END (unix seconds) and drawn in one picture
with matplotlib: what an operator would see in Grafana over the same run. Row panels become
headings; stat panels and others without a time axis are drawn as lines too.
"""

import json
import math
import sys
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

VARIABLES = {"$__rate_interval": "15s", "$__interval": "5s", "$job": ".+", "$instance": ".+"}


def query_range(base, expr, start, end, step):
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    url = f"{base}/api/v1/query_range?" + urllib.parse.urlencode(
        {"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(url, timeout=60) as r:
        body = json.load(r)
    return body["data"]["result"] if body.get("status") == "success" else []


def panels(board):
    for p in board["panels"]:
        yield p
        yield from p.get("panels", [])


def main():
    base, board_file, start, end, out = sys.argv[1:6]
    note = sys.argv[6] if len(sys.argv) > 6 else ""
    start, end = float(start), float(end)
    board = json.load(open(board_file))
    graphs = [p for p in panels(board) if p.get("type") != "row" and p.get("targets")]
    cols = 3
    rows = math.ceil(len(graphs) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 2.6 * rows), squeeze=False)
    step = max(1, int((end - start) / 300))
    for ax, panel in zip(axes.flat, graphs):
        for target in panel["targets"]:
            for series in query_range(base, target["expr"], start, end, step):
                xs = [float(t) - start for t, _ in series["values"]]
                ys = [float(v) for _, v in series["values"]]
                label = target.get("legendFormat", "") or ""
                for k, v in series["metric"].items():
                    label = label.replace("{{" + k + "}}", v).replace("{{ " + k + " }}", v)
                # A legend entry only for a series that moved: "errors by code" has one per code.
                moved = any(y not in (0.0,) and not math.isnan(y) for y in ys)
                ax.plot(xs, ys, linewidth=1, label=(label[:40] or None) if moved else None)
        ax.set_title(panel.get("title", "")[:60], fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("s into the run", fontsize=7)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6, loc="upper left")
    for ax in list(axes.flat)[len(graphs):]:
        ax.axis("off")
    fig.suptitle(f"{board.get('title', 'dashboard')}: {note}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(out, dpi=80)
    print(f"rendered {len(graphs)} panels to {out}")


if __name__ == "__main__":
    main()
