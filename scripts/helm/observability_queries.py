"""Evaluates every query the chart ships against a real Prometheus that scraped `stt serve`.

    python3 scripts/helm/observability_queries.py PROMETHEUS_URL RENDERED.yaml START_UNIX_TIME \
      [ADAPTER_VALUES.yaml]

RENDERED.yaml is `helm template` with the dashboard, the PrometheusRule and KEDA on. Checked:
  - every metric a query names is one the service exported (Prometheus' __name__ values): a query on
    a metric that does not exist fails here even where its panel would just be empty;
  - every dashboard panel query returns data between START and now (a range query; a NaN-only
    result, e.g. a quantile of nothing, does not count), with the dashboard's variables set to
    "all"; the variables' own label_values() queries return values;
  - every KEDA trigger query returns data, and so does every prometheus-adapter metricsQuery
    (ADAPTER_VALUES.yaml, rules.custom) with its templates filled in for the test's pod;
  - every alert expression parses and runs; one that is empty (healthy) is accepted when each of its
    metric selectors returns series; Prometheus, which loaded the same rules from the file the
    caller wrote, reports every rule's health "ok".
Prints one line per check; the last line is `queries: N passed, M failed`.
"""

import json
import math
import re
import sys
import time
import urllib.parse
import urllib.request

import yaml

# Grafana's variables, as "all" (the dashboard's allValue) and a rate window that spans a few of the
# test's 1 s scrapes.
VARIABLES = {"$__rate_interval": "15s", "$job": ".+", "$instance": ".+"}
# What prometheus-adapter puts for <<.LabelMatchers>> when the HPA asks for the pods of a namespace.
ADAPTER_MATCHERS = 'namespace="stt-obs",pod=~"voice-stt-.*"'
SELECTOR = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})")
FUNCTIONS = {
    "sum", "max", "min", "avg", "count", "rate", "increase", "irate", "histogram_quantile",
    "label_values", "by", "without", "or", "and", "unless", "on", "ignoring",
}


def api(base, path, **params):
    url = f"{base}/api/v1/{path}?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body}")
    return body["data"]


def substitute(expr):
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def has_data(result):
    for series in result:
        values = series.get("values") or [series.get("value")]
        if any(v and not math.isnan(float(v[1])) for v in values):
            return True
    return False


def metric_names(expr):
    """Metric names in a PromQL expression: identifiers before '{' or '[', or bare stt_* names."""
    names = {m.group(1) for m in SELECTOR.finditer(expr)}
    names |= set(re.findall(r"\b(stt_[a-z0-9_]+)\b", expr))
    return {n for n in names if n not in FUNCTIONS}


def main():
    base, rendered, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    end = time.time()
    exported = set(api(base, "label/__name__/values"))
    passed = failed = 0

    def check(name, ok, why=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok: {name}")
        else:
            failed += 1
            print(f"FAILED: {name}: {why}")

    def names_exported(what, expr):
        missing = sorted(metric_names(expr) - exported)
        check(f"{what}: every metric it names is exported", not missing, f"not exported: {missing}")

    def range_query(expr):
        return api(base, "query_range", query=expr, start=start, end=end, step="1")["result"]

    dashboards = [
        json.loads(v)
        for d in docs
        if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-dashboard")
        for v in d["data"].values()
    ]
    check("the dashboard ConfigMap is rendered", len(dashboards) == 1, f"{len(dashboards)} found")
    for dash in dashboards:
        for var in dash["templating"]["list"]:
            if var["type"] != "query":
                continue
            q = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q)
            if not m:
                check(f"variable {var['name']}", False, f"not label_values(): {q}")
                continue
            names_exported(f"variable {var['name']}", m.group(1))
            values = api(base, f"label/{m.group(2)}/values", **{"match[]": substitute(m.group(1))})
            check(f"variable {var['name']}: {q} has values", bool(values), "no values")
        for panel in dash["panels"]:
            for target in panel.get("targets", []):
                what = f"panel '{panel['title']}' {target['refId']}"
                expr = substitute(target["expr"])
                names_exported(what, expr)
                try:
                    ok, why = has_data(range_query(expr)), "no data"
                except Exception as e:  # a query Prometheus rejects
                    ok, why = False, str(e)
                check(f"{what}: returns data", ok, f"{why}: {expr}")

    for so in (d for d in docs if d["kind"] == "ScaledObject"):
        for trigger in so["spec"]["triggers"]:
            if trigger["type"] != "prometheus":
                continue
            expr = trigger["metadata"]["query"]
            what = f"KEDA trigger {trigger['name']}"
            names_exported(what, expr)
            check(f"{what}: returns data", has_data(range_query(expr)), expr)

    if len(sys.argv) > 4:
        adapter = yaml.safe_load(open(sys.argv[4]))["rules"]["custom"]
        for rule in adapter:
            what = f"adapter metric {rule['name']['as']}"
            names_exported(f"{what} series", rule["seriesQuery"])
            check(f"{what}: seriesQuery finds series", has_data(range_query(rule["seriesQuery"])), "")
            expr = (
                rule["metricsQuery"]
                .replace("<<.LabelMatchers>>", ADAPTER_MATCHERS)
                .replace("<<.GroupBy>>", "namespace, pod")
            )
            names_exported(what, expr)
            check(f"{what}: metricsQuery returns data", has_data(range_query(expr)), expr)

    rules = [
        r
        for d in docs
        if d["kind"] == "PrometheusRule"
        for g in d["spec"]["groups"]
        for r in g["rules"]
    ]
    check("the PrometheusRule is rendered", bool(rules), "no rules")
    for rule in rules:
        what = f"alert {rule.get('alert') or rule.get('record')}"
        expr = rule["expr"]
        names_exported(what, expr)
        try:
            result = range_query(expr)
        except Exception as e:
            check(f"{what}: runs", False, str(e))
            continue
        if has_data(result):
            check(f"{what}: returns data (its condition held while the test ran)", True)
            continue
        empty = [
            s.group(0)
            for s in SELECTOR.finditer(expr)
            if s.group(1) not in FUNCTIONS and not has_data(range_query(s.group(0)))
        ]
        check(
            f"{what}: empty while healthy, every selector in it returns series",
            not empty,
            f"no series for {empty}",
        )
    loaded = [r for g in api(base, "rules")["groups"] for r in g["rules"]]
    check(
        "Prometheus loaded every rule and evaluates it without error",
        len(loaded) == len(rules) and all(r["health"] == "ok" for r in loaded),
        [(r["name"], r["health"], r.get("lastError")) for r in loaded],
    )
    print(f"queries: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
