using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>The last forced recovery from a lost quorum.</summary>
[Description("The last forced recovery from a lost quorum (annotation raftex.io/force-new-cluster).")]
public sealed record RecoveryStatus
{
    [Description("The survivor forced as sole voter: the member with the most up-to-date log.")]
    public long? NodeId { get; init; }

    [Description("Index of the forced configuration entry: the recovered cluster continues from here.")]
    public long? Index { get; init; }

    [Description("Term the survivor took as the recovered cluster's first leader.")]
    public long? Term { get; init; }

    [Description("Last index of the survivor's log before the recovery; every entry up to it was kept and committed.")]
    public long? LastIndexBefore { get; init; }

    [Description("Commit index the survivor knew before the recovery.")]
    public long? CommitIndexBefore { get; init; }

    [Description("When the recovery was carried out.")]
    public DateTime? At { get; init; }
}
