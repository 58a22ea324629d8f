using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>Progress of a cluster's backup schedule.</summary>
[Description("Progress of the backup schedule.")]
public sealed record BackupScheduleStatus
{
    [Description("Scheduled time of the last ExchangeBackup created by the schedule.")]
    public DateTime? LastScheduleTime { get; init; }

    [Description("Name of the last ExchangeBackup created by the schedule.")]
    public string? LastBackup { get; init; }
}
