namespace Raftex.Exchange;

/// <summary>What an exchange snapshot records about itself (see <see cref="ExchangeStateMachine.ReadSummary"/>).</summary>
public sealed record SnapshotSummary(ushort Version, long LastIndex, ulong StateHash, byte EntryFormatVersion);
