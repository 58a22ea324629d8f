using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>How a backup is taken.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackupMethod>))]
public enum BackupMethod
{
    /// <summary>A Raft snapshot at a committed index streamed out of one member (Admin StreamSnapshot).</summary>
    Snapshot,
}
