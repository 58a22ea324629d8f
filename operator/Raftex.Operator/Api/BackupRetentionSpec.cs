using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>Which scheduled backups are kept.</summary>
[Description("Retention of Completed scheduled backups: a backup goes when it is beyond keepLast or older than keepFor.")]
public sealed class BackupRetentionSpec
{
    [Description("Keep at most this many Completed scheduled backups (the newest).")]
    [Range(1, 10_000)]
    public int? KeepLast { get; set; }

    [Description("Delete Completed scheduled backups older than this duration: a number and a unit (s, m, h), e.g. 72h.")]
    [RegularExpression("^[0-9]+(s|m|h)$")]
    public string? KeepFor { get; set; }
}
