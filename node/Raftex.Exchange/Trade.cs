namespace Raftex.Exchange;

/// <summary>One execution. TradeId = logIndex × 65536 + n; Sequence is the instrument's market-data sequence number.</summary>
public readonly record struct Trade(
    long TradeId,
    int Instrument,
    long Sequence,
    long Price,
    long Quantity,
    long MakerOrderId,
    long MakerAccount,
    long TakerOrderId,
    long TakerAccount,
    Side AggressorSide);
