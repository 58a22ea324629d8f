using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>Where backups are kept: exactly one kind of store.</summary>
[Description("A backup store: exactly one of filesystem or s3.")]
[ValidationRule("has(self.filesystem) != has(self.s3)", "a backup store names exactly one of filesystem or s3")]
public sealed class BackupStoreSpec
{
    [Description("A directory the operator sees at path (a volume mounted into the operator); restoring node pods get it mounted read-only at the same path.")]
    public FilesystemStoreSpec? Filesystem { get; set; }

    [Description("An S3-compatible object store.")]
    public S3StoreSpec? S3 { get; set; }
}
