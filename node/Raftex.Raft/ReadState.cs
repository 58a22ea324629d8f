namespace Raftex.Raft;

/// <summary>A confirmed ReadIndex: once the app has applied up to <see cref="Index"/>, the read for <see cref="RequestContext"/> is linearizable.</summary>
public sealed record ReadState(long Index, ReadOnlyMemory<byte> RequestContext);
