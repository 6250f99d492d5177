{{- define "voice-stt.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "voice-stt.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "voice-stt.labels" -}}
app.kubernetes.io/name: {{ include "voice-stt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- /*
Inference workers for the pod's CPU, as the service would count them if it saw only the pod's
share: floor(CPU ÷ STT_WHISPER_THREADS), at least 1. The CPU is resources.limits.cpu, else
resources.requests.cpu ("4", 4, "1500m", "0.5"); empty when neither is set (the service then
counts the cores it sees). A JVM without a CPU limit sees every core of the node, so without this
a pod requesting 1 CPU would start one worker per node core.
*/ -}}
{{- define "voice-stt.inferenceWorkers" -}}
{{- $resources := .Values.resources | default dict -}}
{{- $cpu := dig "limits" "cpu" "" $resources | toString -}}
{{- if not $cpu -}}
{{- $cpu = dig "requests" "cpu" "" $resources | toString -}}
{{- end -}}
{{- if $cpu -}}
{{- $cores := 0 -}}
{{- if hasSuffix "m" $cpu -}}
{{- $cores = div (trimSuffix "m" $cpu | atoi) 1000 -}}
{{- else -}}
{{- $cores = $cpu | float64 | floor | int -}}
{{- end -}}
{{- $threads := .Values.config.STT_WHISPER_THREADS | default "1" | toString | atoi -}}
{{- max 1 (div $cores (max 1 $threads)) -}}
{{- end -}}
{{- end -}}

{{- /*
STT_ROUTING as deployed: routing.mode, checked. Several replicas (replicaCount > 1 or autoscaling)
only work with JetStream: auto becomes jetstream, so a plain server fails at start with a clear
message instead of serving every session twice, and plain is refused.
*/ -}}
{{- define "voice-stt.routing" -}}
{{- $mode := .Values.routing.mode | toString -}}
{{- if not (has $mode (list "auto" "jetstream" "plain")) -}}
{{- fail (printf "routing.mode must be auto, jetstream or plain, not %q" $mode) -}}
{{- end -}}
{{- $several := or (gt (int .Values.replicaCount) 1) (eq (include "voice-stt.autoscaled" .) "true") -}}
{{- if and (eq $mode "plain") $several -}}
{{- fail "routing.mode=plain transcribes every session once per replica: use it with replicaCount 1 and no autoscaling" -}}
{{- end -}}
{{- if and (eq $mode "auto") $several -}}
{{- $mode = "jetstream" -}}
{{- end -}}
{{- $mode -}}
{{- end -}}

{{- /*
"true" when an autoscaler owns the replica count: the CPU HPA (autoscaling.enabled), KEDA
(autoscaling.keda.enabled) or the HPA on adapter metrics (autoscaling.adapter.enabled). At most one
may be on: two autoscalers on one Deployment fight over its replicas.
*/ -}}
{{- define "voice-stt.autoscaled" -}}
{{- $on := 0 -}}
{{- if .Values.autoscaling.enabled }}{{ $on = add1 $on }}{{ end -}}
{{- if .Values.autoscaling.keda.enabled }}{{ $on = add1 $on }}{{ end -}}
{{- if .Values.autoscaling.adapter.enabled }}{{ $on = add1 $on }}{{ end -}}
{{- if gt $on 1 -}}
{{- fail "autoscaling: turn on one of enabled (CPU HPA), keda.enabled and adapter.enabled, not several" -}}
{{- end -}}
{{- gt $on 0 -}}
{{- end -}}

{{- /*
PromQL label matchers for this release's pods (monitoring.metricSelector, else namespace and pod
name), for the autoscaling queries and the alerts.
*/ -}}
{{- define "voice-stt.metricSelector" -}}
{{- .Values.monitoring.metricSelector | default (printf "namespace=%q,pod=~%q" .Release.Namespace (printf "%s-.*" (include "voice-stt.fullname" .))) -}}
{{- end -}}

{{- /* The HPA behaviour that keeps scale-in gentle (autoscaling.scaleDown). */ -}}
{{- define "voice-stt.hpaBehavior" -}}
scaleDown:
  stabilizationWindowSeconds: {{ .Values.autoscaling.scaleDown.stabilizationWindowSeconds }}
  policies:
    - type: Pods
      value: {{ .Values.autoscaling.scaleDown.podsPerMinute }}
      periodSeconds: 60
{{- end -}}

{{- define "voice-stt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "voice-stt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The NATS accounts file for the operator's NATS server (values.yaml "natsAccounts",
docs/operations.md "Security", decisions/0027): one account; the service's user limited to what a
replica needs; an admin user; and one user per tenant, who may publish only on its own sessions'
input subjects and read only their output subjects. Passwords are NATS variables, read from the
NATS server's environment (e.g. from Secrets): $<USER>_PASSWORD, upper case, '-' as '_'.
*/}}
{{- define "voice-stt.natsPassword" -}}
${{ printf "%s_PASSWORD" (. | upper | replace "-" "_") }}
{{- end }}
{{- define "voice-stt.natsAccounts" -}}
{{- $in := .Values.config.STT_INPUT_SUBJECT_PREFIX | default "ai.voice.stream" -}}
{{- $out := .Values.config.STT_OUTPUT_SUBJECT_PREFIX | default "ai.voice.transcription" -}}
{{- $a := .Values.natsAccounts -}}
{{- $stream := .Values.routing.stream -}}
{{- $bucket := .Values.routing.bucket -}}
# NATS accounts for voice-stt, rendered by its Helm chart (docs/operations.md "Security").
# Include it in the NATS server's configuration; the passwords are read from the server's
# environment. Session ids are {tenant}.{session} (STT_SESSION_ID_TOKENS=2).
accounts {
  {{ $a.account }} {
    jetstream: enabled
    users: [
      # The service: its input, its outputs, the micro service API, and what JetStream routing
      # needs (streams and buckets, their consumers' replies, the replicas' own subject).
      {
        user: {{ $a.serviceUser | quote }}
        password: {{ include "voice-stt.natsPassword" $a.serviceUser }}
        permissions: {
          publish: {
            allow: [
              "{{ $out }}.>", "$SRV.>", "$JS.API.>", "$JS.FC.>", "$JS.ACK.>",
              "$KV.{{ $bucket }}.>", "$KV.{{ $bucket }}-replicas.>",
              "_STT.replica.{{ $stream }}.*"
            ]
          }
          subscribe: {
            allow: [
              "{{ $in }}.>", "_INBOX.>", "$SRV.>", "stt.status", "stt.admin.status",
              "_STT.replica.{{ $stream }}.*",
              "$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.{{ $stream }}"
            ]
          }
          allow_responses: true
        }
      }
      # Operators: both status subjects (stt.admin.status names sessions), JetStream, discovery.
      {
        user: {{ $a.adminUser | quote }}
        password: {{ include "voice-stt.natsPassword" $a.adminUser }}
        permissions: {
          publish: { allow: ["stt.status", "stt.admin.status", "$SRV.>", "$JS.API.>"] }
          subscribe: { allow: ["_INBOX.>"] }
        }
      }
      {{- range $a.tenants }}
      # Tenant {{ . }}: its own sessions only ({{ $in }}.{{ . }}.{session}).
      {
        user: {{ . | quote }}
        password: {{ include "voice-stt.natsPassword" . }}
        permissions: {
          publish: { allow: ["{{ $in }}.{{ . }}.*"] }
          subscribe: { allow: ["{{ $out }}.{{ . }}.*"] }
        }
      }
      {{- end }}
    ]
  }
}
{{- end }}
