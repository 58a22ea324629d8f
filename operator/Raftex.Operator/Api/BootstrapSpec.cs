using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>How a new cluster starts; read only before its StatefulSet exists.</summary>
[Description("How a new cluster starts. Read once, at bootstrap: changing it later has no effect.")]
public sealed class BootstrapSpec
{
    [Description("Start from a backup's state instead of empty, with a fresh cluster id.")]
    public FromBackupSpec? FromBackup { get; set; }
}
