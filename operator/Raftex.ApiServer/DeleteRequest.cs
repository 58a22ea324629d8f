namespace Raftex.ApiServer;

/// <summary>The parts of metav1.DeleteOptions the server honours.</summary>
internal sealed record DeleteRequest(string? PreconditionUid, string? PreconditionResourceVersion, string? PropagationPolicy, long? GracePeriodSeconds)
{
    public static readonly DeleteRequest Default = new(null, null, null, null);
}
