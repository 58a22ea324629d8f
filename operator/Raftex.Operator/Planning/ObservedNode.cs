namespace Raftex.Operator.Planning;

/// <summary>
/// What a node answered to GetStatus; a node that did not answer is absent from the observation. <c>DiskFull</c> is why
/// the node refuses writes because its data directory is full, or null.
/// </summary>
public sealed record ObservedNode(
    ulong NodeId,
    string Incarnation,
    RaftRole Role,
    ulong Term,
    ulong LeaderId,
    ulong CommitIndex,
    IReadOnlyList<uint> SupportedFormats,
    uint EntryFormatVersion,
    IReadOnlyList<ObservedMember> Members,
    string? DiskFull = null);
