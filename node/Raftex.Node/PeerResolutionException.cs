namespace Raftex.Node;

/// <summary>A peer address that cannot be turned into an endpoint now; the message says why (and is stable per reason, so it can be logged once).</summary>
internal sealed class PeerResolutionException : Exception
{
    public PeerResolutionException(string message)
        : base(message)
    {
    }

    public PeerResolutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PeerResolutionException()
    {
    }
}
