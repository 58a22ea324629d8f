namespace Raftex.Exchange;

/// <summary>Balance of one asset in one account.</summary>
public readonly record struct AccountBalance(long Free, long Reserved);
