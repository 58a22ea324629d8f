using System.ComponentModel;
using k8s.Models;

namespace Raftex.Operator.Api;

/// <summary>CPU and memory for each node container, as in a Kubernetes container's resources.</summary>
[Description("CPU and memory for each node container.")]
public sealed class ComputeResources
{
    [Description("Minimum resources the scheduler reserves, e.g. {cpu: 500m, memory: 512Mi}.")]
    public IDictionary<string, ResourceQuantity>? Requests { get; set; }

    [Description("Maximum resources the container may use, e.g. {cpu: \"2\", memory: 2Gi}.")]
    public IDictionary<string, ResourceQuantity>? Limits { get; set; }
}
