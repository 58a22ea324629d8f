using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>Whoever waits for a proposal: completed once its entry is applied, or failed when it cannot be.</summary>
internal abstract class ProposalWaiter
{
    /// <summary>Stopwatch timestamp when the proposal was made (for the latency histogram).</summary>
    public long StartedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Called on the apply thread with the engine's answer (or an empty reply for a membership change).</summary>
    public abstract void Complete(CommandReply reply);

    /// <summary>Called when the proposal was refused, or its outcome can no longer be learnt here.</summary>
    public abstract void Fail(StatusCode code, string message);
}
