using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Raftex.Chart.Tests;

// The prometheus-operator kinds the chart renders (monitoring.coreos.com/v1), modelled with the fields the chart uses,
// so that the strict YAML loader refuses a misspelt or misplaced field as it does for the built-in kinds.

/// <summary>monitoring.coreos.com/v1 ServiceMonitor.</summary>
[KubernetesEntity(Group = "monitoring.coreos.com", ApiVersion = "v1", Kind = "ServiceMonitor", PluralName = "servicemonitors")]
internal sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = string.Empty;
    [JsonPropertyName("kind")] public string Kind { get; set; } = string.Empty;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public ServiceMonitorSpec Spec { get; set; } = new();
}

internal sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public NamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("endpoints")] public List<ScrapeEndpoint> Endpoints { get; set; } = [];
}

/// <summary>monitoring.coreos.com/v1 PodMonitor.</summary>
[KubernetesEntity(Group = "monitoring.coreos.com", ApiVersion = "v1", Kind = "PodMonitor", PluralName = "podmonitors")]
internal sealed class PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = string.Empty;
    [JsonPropertyName("kind")] public string Kind { get; set; } = string.Empty;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public PodMonitorSpec Spec { get; set; } = new();
}

internal sealed class PodMonitorSpec
{
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public NamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("podTargetLabels")] public List<string>? PodTargetLabels { get; set; }
    [JsonPropertyName("podMetricsEndpoints")] public List<ScrapeEndpoint> PodMetricsEndpoints { get; set; } = [];
}

internal sealed class NamespaceSelector
{
    [JsonPropertyName("any")] public bool? Any { get; set; }
    [JsonPropertyName("matchNames")] public List<string>? MatchNames { get; set; }
}

internal sealed class ScrapeEndpoint
{
    [JsonPropertyName("port")] public string Port { get; set; } = string.Empty;
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("interval")] public string? Interval { get; set; }
}

/// <summary>monitoring.coreos.com/v1 PrometheusRule.</summary>
[KubernetesEntity(Group = "monitoring.coreos.com", ApiVersion = "v1", Kind = "PrometheusRule", PluralName = "prometheusrules")]
internal sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = string.Empty;
    [JsonPropertyName("kind")] public string Kind { get; set; } = string.Empty;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public PrometheusRuleSpec Spec { get; set; } = new();
}

internal sealed class PrometheusRuleSpec
{
    [JsonPropertyName("groups")] public List<RuleGroup> Groups { get; set; } = [];
}

internal sealed class RuleGroup
{
    [JsonPropertyName("name")] public string Name { get; set; } = string.Empty;
    [JsonPropertyName("rules")] public List<Rule> Rules { get; set; } = [];
}

internal sealed class Rule
{
    [JsonPropertyName("alert")] public string? Alert { get; set; }
    [JsonPropertyName("record")] public string? Record { get; set; }
    [JsonPropertyName("expr")] public string Expr { get; set; } = string.Empty;
    [JsonPropertyName("for")] public string? For { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
}
