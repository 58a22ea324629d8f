using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Builders;

/// <summary>Builds the headless peer Service and the client Service.</summary>
public static class ServiceBuilder
{
    /// <summary>Headless Service: stable per-pod DNS for Raft peers and the operator's admin calls, including pods not yet ready.</summary>
    public static V1Service Peer(ExchangeCluster cluster, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(settings);
        var name = cluster.Metadata.Name;
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Ownership.ChildMeta(cluster, ChildNames.PeerService(name)),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                // A pod must be reachable by its peers before it is ready: readiness needs a leader, and electing one needs the peers.
                PublishNotReadyAddresses = true,
                Selector = ChildLabels.Selector(name),
                Ports =
                [
                    Port("peer", settings.PeerPort),
                    Port("admin", settings.AdminPort),
                ],
            },
        };
    }

    /// <summary>Client Service: the gRPC client plane of ready pods.</summary>
    public static V1Service Client(ExchangeCluster cluster, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(settings);
        var name = cluster.Metadata.Name;
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Ownership.ChildMeta(cluster, ChildNames.ClientService(name)),
            Spec = new V1ServiceSpec
            {
                Type = settings.ServiceType.ToString(),
                Selector = ChildLabels.Selector(name),
                Ports = [Port("client", settings.ClientPort)],
            },
        };
    }

    private static V1ServicePort Port(string name, int port) => new()
    {
        Name = name,
        Port = port,
        TargetPort = name,
        Protocol = "TCP",
        AppProtocol = "grpc",
    };
}
