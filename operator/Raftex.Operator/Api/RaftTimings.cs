using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>Raft timings and log compaction settings passed to every node.</summary>
[Description("Raft timings and log compaction.")]
public sealed class RaftTimings
{
    [Description("Leader heartbeat interval in milliseconds; must be well below the election timeout.")]
    [Range(10, 10_000)]
    [DefaultValue(100)]
    public int? HeartbeatIntervalMs { get; set; }

    [Description("Base election timeout in milliseconds (randomized up to twice this); at least three heartbeats.")]
    [Range(50, 60_000)]
    [DefaultValue(1000)]
    public int? ElectionTimeoutMs { get; set; }

    [Description("Applied entries since the last snapshot that trigger a new snapshot and log compaction.")]
    [Range(1_000, 100_000_000)]
    [DefaultValue(100_000)]
    public long? SnapshotThreshold { get; set; }
}
