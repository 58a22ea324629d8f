using System.Net;

namespace Raftex.Node.Tests;

/// <summary>A resolver stand-in that records what it was asked and answers as told.</summary>
internal sealed class RecordingResolver : IPeerResolver
{
    public List<string> Asked { get; } = [];

    public IReadOnlyList<IPEndPoint> Answer { get; set; } = [];

    public string? Failure { get; set; }

    public Task<IReadOnlyList<IPEndPoint>> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        Asked.Add(address);
        return Failure is { } reason ? Task.FromException<IReadOnlyList<IPEndPoint>>(new PeerResolutionException(reason)) : Task.FromResult(Answer);
    }
}
