using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>Scheduled backups of a cluster and how long they are kept.</summary>
[Description("Scheduled backups: a cron schedule, a store and a retention policy.")]
public sealed class BackupScheduleSpec
{
    [Required]
    [Description("Five-field cron schedule in UTC (minute hour day-of-month month day-of-week), e.g. \"0 */6 * * *\". Missed runs during operator downtime give at most one catch-up run.")]
    [MinLength(9)]
    public string Schedule { get; set; } = string.Empty;

    [Required]
    [Description("Where scheduled backups are written.")]
    public BackupStoreSpec Store { get; set; } = new();

    [Description("Which Completed scheduled backups are kept; the others are deleted with their stored data.")]
    public BackupRetentionSpec? Retention { get; set; }
}
