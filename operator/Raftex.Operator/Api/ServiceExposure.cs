using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>The Kubernetes Service type of the client Service.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServiceExposure>))]
public enum ServiceExposure
{
    /// <summary>Reachable inside the cluster only.</summary>
    ClusterIP,
    /// <summary>Exposed on a port of every node.</summary>
    NodePort,
    /// <summary>Exposed through a cloud load balancer.</summary>
    LoadBalancer,
}
