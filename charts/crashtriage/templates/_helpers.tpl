{{/* The objects' base name: the release name, or <release>-crashtriage when it does not say crashtriage. */}}
{{- define "crashtriage.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "crashtriage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Pod selector: stable across upgrades (a Deployment's selector cannot change). */}}
{{- define "crashtriage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crashtriage.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "crashtriage.labels" -}}
{{ include "crashtriage.selectorLabels" . }}
app.kubernetes.io/part-of: crashtriage
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of the prometheus-operator objects: kube-prometheus-stack's Prometheus selects `release`. */}}
{{- define "crashtriage.operatorLabels" -}}
{{ include "crashtriage.labels" . }}
{{- with .Values.prometheusOperator.release }}
release: {{ . }}
{{- end }}
{{- end -}}

{{- define "crashtriage.tokenSecret" -}}
{{- default (printf "%s-webhook-token" (include "crashtriage.fullname" .)) .Values.webhookToken.existingSecret -}}
{{- end -}}

{{- define "crashtriage.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The routed alert names: crashtriage's crash-loop rules and the kube-prometheus ones it also takes (not its alerts about itself). */}}
{{- define "crashtriage.routedAlerts" -}}
Crashtriage(Container.+|ImagePullBackOff|InvalidImageName)|KubePodCrashLooping|KubeContainerWaiting|KubePodNotReady
{{- end -}}

{{/* A map as `key=value,key=value` (sorted), the form of PAGERDUTY_SEVERITY_MAP. */}}
{{- define "crashtriage.pairs" -}}
{{- $pairs := list -}}
{{- range $key, $value := . -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The port of an http(s) URL: the one written after the host, else 443 for https and 80 for http. */}}
{{- define "crashtriage.urlPort" -}}
{{- $url := urlParse . -}}
{{- regexFind "[0-9]+$" (regexFind ":[0-9]+$" $url.host) | default (ternary "443" "80" (eq $url.scheme "https")) -}}
{{- end -}}

{{/* "true" when email goes out: email.smtpUrl, or a `type: email` sink in the settings file. */}}
{{- define "crashtriage.emailOn" -}}
{{- $on := not (empty .Values.email.smtpUrl.existingSecret) -}}
{{- range $name, $sink := (.Values.config.sinks | default dict) -}}
{{- if and (kindIs "map" $sink) (eq (toString (get $sink "type")) "email") -}}{{- $on = true -}}{{- end -}}
{{- end -}}
{{- ternary "true" "" $on -}}
{{- end -}}
