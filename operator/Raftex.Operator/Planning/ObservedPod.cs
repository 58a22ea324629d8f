namespace Raftex.Operator.Planning;

/// <summary>A pod of the cluster as the API server shows it.</summary>
/// <param name="Name">Pod name.</param>
/// <param name="Ordinal">StatefulSet ordinal; the Raft node id is Ordinal + 1.</param>
/// <param name="Uid">Pod UID: a replacement pod has a new one.</param>
/// <param name="Revision">Pod template revision label.</param>
/// <param name="Ready">The pod's Ready condition (the node's /readyz).</param>
public sealed record ObservedPod(string Name, int Ordinal, string Uid, string Revision, bool Ready)
{
    /// <summary>Raft node id of this pod.</summary>
    public ulong NodeId => (ulong)Ordinal + 1;
}
