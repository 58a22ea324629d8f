namespace Raftex.Client;

/// <summary>Settings of an <see cref="ExchangeClient"/> or <see cref="OrderSessionClient"/>.</summary>
public sealed record ExchangeClientOptions
{
    /// <summary>Client-plane addresses (host:port or http://host:port) of any subset of the nodes.</summary>
    public required IReadOnlyList<string> Addresses { get; init; }

    /// <summary>Bearer token presented on every call (null when the cluster runs open).</summary>
    public string? Token { get; init; }

    /// <summary>Deadline of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Total time a call keeps retrying across leader changes before giving up.</summary>
    public TimeSpan RetryBudget { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>First back-off between attempts (doubles up to 16×).</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>HTTP/2 connections per node (calls are spread over them).</summary>
    public int ConnectionsPerNode { get; init; } = 1;
}
