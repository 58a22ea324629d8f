namespace Raftex.Agents;

/// <summary>One strategy entry's part of the <see cref="RunSummary"/>.</summary>
public sealed record StrategySummary
{
    /// <summary>Entry name as metrics label it: the kind (market-maker, momentum, noise, arbitrage), numbered when repeated.</summary>
    public required string Strategy { get; init; }

    public required int Agents { get; init; }

    /// <summary>Accounts firstAccount..lastAccount, one per agent.</summary>
    public required ulong FirstAccount { get; init; }

    public required ulong LastAccount { get; init; }

    public required long Orders { get; init; }

    public required long Rejects { get; init; }

    public required long MakerFills { get; init; }

    public required long TakerFills { get; init; }

    public required long Pnl { get; init; }

    /// <summary>Net lots bought minus sold since the start, per symbol.</summary>
    public required IReadOnlyDictionary<string, long> Inventory { get; init; }
}
