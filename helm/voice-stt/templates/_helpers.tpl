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
{{- $several := or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}
{{- if and (eq $mode "plain") $several -}}
{{- fail "routing.mode=plain transcribes every session once per replica: use it with replicaCount 1 and no autoscaling" -}}
{{- end -}}
{{- if and (eq $mode "auto") $several -}}
{{- $mode = "jetstream" -}}
{{- end -}}
{{- $mode -}}
{{- end -}}

{{- define "voice-stt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "voice-stt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
