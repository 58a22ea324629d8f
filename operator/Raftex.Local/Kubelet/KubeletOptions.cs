namespace Raftex.Local.Kubelet;

/// <summary>Settings of the process kubelet.</summary>
public sealed record KubeletOptions
{
    /// <summary>The Node object this kubelet registers and binds unscheduled pods to.</summary>
    public string NodeName { get; init; } = "raftex-local";

    /// <summary>Where pod directories, claim data, logs and the hosts file live.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Which locally built executable runs each image.</summary>
    public required ImageCatalog Images { get; init; }

    /// <summary>Pod IPs are taken from this /16 of the loopback network (Linux routes all of 127.0.0.0/8 to lo).</summary>
    public string PodNetwork { get; init; } = "127.77";

    /// <summary>First restart delay after a container exits; doubles per restart up to <see cref="MaxBackOff"/>.</summary>
    public TimeSpan InitialBackOff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest restart delay.</summary>
    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A container that ran this long without exiting starts its back-off afresh.</summary>
    public TimeSpan BackOffReset { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Full pass interval on top of the watches.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before a broken watch is re-opened.</summary>
    public TimeSpan WatchRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The DNS suffix of Services and pods (<c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c>).</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The dotnet host that runs the images' assemblies.</summary>
    public string DotnetHost { get; init; } = DefaultDotnetHost();

    /// <summary>Longest wait for a pod's processes when the whole kubelet stops.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The dotnet host running this process (or the SDK's DOTNET_HOST_PATH), else "dotnet" from PATH.</summary>
    public static string DefaultDotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
