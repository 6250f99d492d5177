"""Checks a Grafana dashboard JSON against the rules of Grafana's dashboard linter.

    python3 scripts/helm/lint_dashboard.py DASHBOARD.json

Grafana's linter (github.com/grafana/dashboard-linter) cannot be installed on the project's
machines: the Go module proxy they reach refuses the module (403 "This module version is not
available", no version listed). scripts/observability-check.sh runs the real linter when a
`dashboard-linter` binary is on the PATH, and this otherwise. It is a re-statement of the linter's
documented rules, not the linter: PromQL validity is checked by the real Prometheus in the same
script, which runs every query.

  template-datasource-rule    a variable `datasource` of type datasource, query prometheus
  template-job-rule           a variable `job`, a label_values() query on the datasource, multi
  template-instance-rule        and include-all; the same for `instance`
  template-on-time-change-reload  those variables refresh on time range change (refresh 2)
  panel-datasource-rule       every panel and target uses the `${datasource}` variable
  panel-title-description-rule  every panel has a title and a description
  panel-units-rule            every panel has a unit
  target-job-rule             every selector matches job=~"$job"
  target-instance-rule        every selector matches instance=~"$instance"
  target-rate-interval-rule   rate(), irate() and increase() range over $__rate_interval
  target-counter-agg-rule     a counter (*_total, *_bucket) is only read through rate()/increase()
  panel-no-targets-rule       every panel has a query
  uneditable-dashboard        "editable": false
Last line: `dashboard-lint: N passed, M failed`.
"""

import json
import re
import sys

SELECTOR = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}(\[[^\]]*\])?")
DATASOURCE = {"${datasource}", "$datasource"}


def uid(ds):
    return ds.get("uid") if isinstance(ds, dict) else ds


def main():
    dash = json.load(open(sys.argv[1]))
    problems = []
    variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}

    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        problems.append("template-datasource-rule: no datasource variable of type prometheus")
    for name in ("job", "instance"):
        v = variables.get(name)
        rule = f"template-{name}-rule"
        if not v:
            problems.append(f"{rule}: no {name} variable")
            continue
        query = v["query"]["query"] if isinstance(v.get("query"), dict) else v.get("query", "")
        if v.get("type") != "query" or not query.startswith("label_values("):
            problems.append(f"{rule}: {name} is not a label_values() query")
        if uid(v.get("datasource")) not in DATASOURCE:
            problems.append(f"{rule}: {name} does not use ${{datasource}}")
        if not (v.get("multi") and v.get("includeAll")):
            problems.append(f"{rule}: {name} is not multi-value with All")
        if v.get("refresh") != 2:
            problems.append(f"template-on-time-change-reload-rule: {name} refresh is not 2")
    if dash.get("editable") is not False:
        problems.append("uneditable-dashboard: editable is not false")

    panels = [p for p in dash["panels"] if p["type"] != "row"]
    for p in panels:
        where = f"panel '{p.get('title', '?')}'"
        if not p.get("title") or not p.get("description"):
            problems.append(f"panel-title-description-rule: {where} lacks a title or description")
        if not p.get("fieldConfig", {}).get("defaults", {}).get("unit"):
            problems.append(f"panel-units-rule: {where} has no unit")
        if uid(p.get("datasource")) not in DATASOURCE:
            problems.append(f"panel-datasource-rule: {where} does not use ${{datasource}}")
        if not p.get("targets"):
            problems.append(f"panel-no-targets-rule: {where} has no targets")
        for t in p.get("targets", []):
            expr = t["expr"]
            if uid(t.get("datasource", p.get("datasource"))) not in DATASOURCE:
                problems.append(f"panel-datasource-rule: {where} {t['refId']}")
            for m in SELECTOR.finditer(expr):
                name, matchers, window = m.group(1), m.group(2), m.group(3)
                if 'job=~"$job"' not in matchers:
                    problems.append(f"target-job-rule: {where}: {name} lacks job=~\"$job\"")
                if 'instance=~"$instance"' not in matchers:
                    problems.append(
                        f"target-instance-rule: {where}: {name} lacks instance=~\"$instance\""
                    )
                if window and window != "[$__rate_interval]":
                    problems.append(f"target-rate-interval-rule: {where}: {name}{window}")
                if re.search(r"(_total|_bucket)$", name):
                    before = expr[: m.start()].rstrip()
                    if not re.search(r"\b(rate|irate|increase)\($", before):
                        problems.append(
                            f"target-counter-agg-rule: {where}: counter {name} not under rate()"
                        )
            for fn in re.finditer(r"\b(rate|irate|increase)\(", expr):
                if "[$__rate_interval]" not in expr[fn.end():].split(")")[0]:
                    problems.append(f"target-rate-interval-rule: {where}: {fn.group(1)}()")

    checks = 13
    for p in problems:
        print(f"FAILED: {p}")
    rules_failed = len({p.split(":")[0] for p in problems})
    print(f"dashboard-lint: {checks - rules_failed} passed, {rules_failed} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
