namespace Raftex.Raft;

/// <summary>The requested index is covered by a snapshot and its entry is gone.</summary>
public sealed class LogCompactedException(long index, long firstIndex)
    : Exception($"index {index} is compacted (first available index is {firstIndex})")
{
    public long Index { get; } = index;
}
