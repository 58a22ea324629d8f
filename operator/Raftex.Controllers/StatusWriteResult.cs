namespace Raftex.Controllers;

/// <summary>The outcome of a status write, the object as now known, and for a throttled write when to try again.</summary>
public sealed record StatusWriteResult<T>(StatusWriteOutcome Outcome, T? Object, TimeSpan RetryAfter)
    where T : class;
