using Raftex.Operator.Api;

namespace Raftex.Operator.Backups;

/// <summary>The outcome of verifying a restore's backup: what to record in status, or the condition reason and message of a refusal.</summary>
public sealed record RestoreVerdict(RestoredFrom? Restored, string Reason, string Message)
{
    /// <summary>The backup passed every check.</summary>
    public static RestoreVerdict Verified(RestoredFrom restored) =>
        new(restored, "BackupVerified", $"backup {restored.Backup} in {restored.Location} verified at index {restored.Index} term {restored.Term} (state hash {restored.StateHash}); the bootstrap members start from it");

    /// <summary>The backup cannot be used.</summary>
    public static RestoreVerdict Refused(string reason, string message) => new(null, reason, message);
}
