using k8s.Models;
using Raftex.Operator.Api;
using static Raftex.Operator.Crd.CrdDefinition;

namespace Raftex.Operator.Crd;

/// <summary>The ExchangeBackup CustomResourceDefinition, generated from the C# types.</summary>
public static class ExchangeBackupCrd
{
    /// <summary>exchangebackups.raftex.io</summary>
    public const string Name = $"{ExchangeBackup.Plural}.{ExchangeCluster.Group}";

    /// <summary>The complete definition: schema, printer columns and the status subresource.</summary>
    public static V1CustomResourceDefinition Build() => Namespaced(
        ExchangeBackup.KindName, ExchangeBackup.Plural, "xb",
        "One backup of an ExchangeCluster: a Raft snapshot at a committed index, streamed from one member into a store with a manifest, and verified by reading it back.",
        typeof(ExchangeBackupSpec), typeof(ExchangeBackupStatus),
        [
            Column("Cluster", "string", ".spec.clusterRef", "ExchangeCluster backed up"),
            Column("Phase", "string", ".status.phase", "Pending, Running, Completed or Failed"),
            Column("Index", "integer", ".status.index", "Raft index the backup is consistent at"),
            Column("Size", "integer", ".status.size", "Bytes of snapshot data"),
            Column("Age", "date", ".metadata.creationTimestamp", "Time since creation"),
        ]);
}
