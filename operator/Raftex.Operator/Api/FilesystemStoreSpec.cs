using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>A backup directory on a volume the operator mounts.</summary>
[Description("A backup directory on a mounted volume.")]
public sealed class FilesystemStoreSpec
{
    [Required]
    [Description("Absolute path of the backup directory, as the operator sees it (the chart's backupVolume mounts it); node pods that restore see it at the same path.")]
    [RegularExpression("^/.*$")]
    public string Path { get; set; } = string.Empty;

    [Description("PersistentVolumeClaim holding the directory, mounted read-only into restoring node pods; without it they mount a hostPath volume of path.")]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string? ClaimName { get; set; }
}
