{{/*
The operator's RBAC rules. They must grant exactly what operator/Raftex.Operator/Hosting/OperatorPermissions.cs declares
(tests/Raftex.Chart.Tests renders the chart and compares): a new permission is one more entry here and there.
*/}}

{{/* Rules in every watched namespace: a ClusterRole with rbac.scope=cluster, a Role in the watched namespace otherwise. */}}
{{- define "raftex-operator.watchedRules" -}}
- apiGroups: ["raftex.io"]
  resources: ["exchangeclusters"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["raftex.io"]
  resources: ["exchangeclusters/status"]
  verbs: ["update"]
- apiGroups: ["raftex.io"]
  resources: ["agentfleets"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["raftex.io"]
  resources: ["agentfleets/status"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["raftex.io"]
  resources: ["chaosexperiments"]
  verbs: ["get", "list", "watch", "update"]
- apiGroups: ["raftex.io"]
  resources: ["chaosexperiments/status"]
  verbs: ["update"]
- apiGroups: ["raftex.io"]
  resources: ["exchangebackups"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["raftex.io"]
  resources: ["exchangebackups/status"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "delete"]
- apiGroups: [""]
  resources: ["pods/eviction"]
  verbs: ["create"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "update"]
{{- end }}

{{/* Rules in the operator's own namespace only: the leader-election Lease. */}}
{{- define "raftex-operator.operatorNamespaceRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update"]
{{- end }}
