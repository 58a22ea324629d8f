using Raftex.Operator.Api;

namespace Raftex.Operator.Backups;

/// <summary>What one pass of <see cref="BackupScheduler"/> did: the status to record (null when nothing was due), the wait until the next run, the backup created and those retention deleted.</summary>
public sealed record ScheduleRound(BackupScheduleStatus? Status, TimeSpan UntilNext, string? Created, IReadOnlyList<string> Deleted);
