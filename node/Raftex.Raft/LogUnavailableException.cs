namespace Raftex.Raft;

/// <summary>The requested index is beyond the last entry held.</summary>
public sealed class LogUnavailableException(long index, long lastIndex)
    : Exception($"index {index} is unavailable (last index is {lastIndex})")
{
    public long Index { get; } = index;
}
