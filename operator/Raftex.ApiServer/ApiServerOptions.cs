namespace Raftex.ApiServer;

/// <summary>How an embedded API server listens and behaves.</summary>
public sealed record ApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (kept across restarts).</summary>
    public int Port { get; init; }

    /// <summary>How often a watch that asked for bookmarks gets a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many past events (of all kinds) watches can replay; older resourceVersions answer 410 Gone.</summary>
    public int WatchHistoryLimit { get; init; } = 10_000;

    /// <summary>Reject creating namespaced objects in a namespace that does not exist (as the NamespaceLifecycle admission plugin does).</summary>
    public bool RequireNamespace { get; init; }

    /// <summary>Clock for creation and deletion timestamps.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The version /version reports (kubectl checks it for skew).</summary>
    public string GitVersion { get; init; } = "v1.32.0";

    /// <summary>
    /// Where a container's log is, by namespace, pod and container (the local platform's kubelet writes them); null serves
    /// no pod logs. <c>GET pods/{name}/log</c> (kubectl logs) reads it, with <c>tailLines</c> and <c>follow</c>.
    /// </summary>
    public Func<string, string, string, string>? PodLogs { get; init; }
}
