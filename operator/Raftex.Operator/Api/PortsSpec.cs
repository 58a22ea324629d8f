using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>The node's four ports, one per plane, so network policy and TLS can differ per plane.</summary>
[Description("Container and Service ports of the node's four planes; all distinct.")]
public sealed class PortsSpec
{
    [Description("gRPC client plane (Exchange, OrderSession).")]
    [Range(1, 65535)]
    [DefaultValue(7001)]
    public int? Client { get; set; }

    [Description("gRPC peer plane (Raft messages between nodes).")]
    [Range(1, 65535)]
    [DefaultValue(7002)]
    public int? Peer { get; set; }

    [Description("gRPC admin plane (status, membership, faults).")]
    [Range(1, 65535)]
    [DefaultValue(7003)]
    public int? Admin { get; set; }

    [Description("HTTP plane (/healthz, /readyz, /metrics).")]
    [Range(1, 65535)]
    [DefaultValue(8080)]
    public int? Http { get; set; }
}
