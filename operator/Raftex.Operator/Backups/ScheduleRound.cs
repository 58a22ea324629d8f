using Raftex.Operator.Api;

namespace Raftex.Operator.Backups;

/// <summary>
/// What one pass of <see cref="BackupScheduler"/> did: the status to record (null when nothing was created), the wait
/// until the next run, the backup created, those retention deleted, and the unfinished backup a due run waits for.
/// </summary>
public sealed record ScheduleRound(BackupScheduleStatus? Status, TimeSpan UntilNext, string? Created, IReadOnlyList<string> Deleted, string? WaitingFor);
