using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>How clients reach the cluster, and the node's ports.</summary>
[Description("Client Service type and the node ports.")]
public sealed class ServiceSpec
{
    [Description("Type of the client Service.")]
    [DefaultValue("ClusterIP")]
    public ServiceExposure? Type { get; set; }

    [Description("Ports of the node's planes.")]
    public PortsSpec? Ports { get; set; }
}
