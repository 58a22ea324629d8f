using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>Where an ExchangeBackup is in its life.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackupPhase>))]
public enum BackupPhase
{
    /// <summary>Waiting for its cluster to exist and be Available.</summary>
    Pending,
    /// <summary>Streaming from a member into the store.</summary>
    Running,
    /// <summary>Written and verified by reading it back.</summary>
    Completed,
    /// <summary>A check failed; conditions say which.</summary>
    Failed,
}
