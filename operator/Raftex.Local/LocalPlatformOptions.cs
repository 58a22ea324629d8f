using Raftex.Local.Kubelet;

namespace Raftex.Local;

/// <summary>Settings of the local platform: where it keeps its state, which port the API server takes, where the images come from.</summary>
public sealed record LocalPlatformOptions
{
    /// <summary>State directory: kubeconfig, hosts file, pod directories, claims and logs.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Port of the API server on 127.0.0.1.</summary>
    public int ApiPort { get; init; } = 16443;

    /// <summary>Executables of the images (node, agents, operator).</summary>
    public required ImageCatalog Images { get; init; }

    /// <summary>The /16 of 127.0.0.0/8 pod IPs come from.</summary>
    public string PodNetwork { get; init; } = "127.77";

    /// <summary>Whether to run the operator (as a process of the operator image against the written kubeconfig).</summary>
    public bool RunOperator { get; init; } = true;

    /// <summary>Where the kubeconfig is written.</summary>
    public string KubeconfigPath => Path.Combine(StateDirectory, "kubeconfig");

    /// <summary>The operator's log.</summary>
    public string OperatorLogPath => Path.Combine(StateDirectory, "logs", "operator.log");
}
