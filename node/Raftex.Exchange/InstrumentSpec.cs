namespace Raftex.Exchange;

/// <summary>One tradable instrument. Prices are in quote units per base unit, quantities in base units; notional = price × quantity.</summary>
/// <param name="Symbol">Name, e.g. BTC-USD. Its position in <see cref="ExchangeConfig.Instruments"/> is its wire id.</param>
/// <param name="BaseAsset">Index of the base asset in <see cref="ExchangeConfig.Assets"/>.</param>
/// <param name="QuoteAsset">Index of the quote asset.</param>
/// <param name="TickSize">Every price is a multiple of it.</param>
/// <param name="LotSize">Every quantity is a multiple of it.</param>
/// <param name="MinQuantity">Smallest order quantity.</param>
/// <param name="MaxQuantity">Largest order quantity.</param>
/// <param name="ReferencePrice">Band centre before the first trade; afterwards the last trade price is the centre.</param>
/// <param name="BandBasisPoints">Limit prices must lie within ± this many basis points of the reference (0 = no band).</param>
/// <param name="MaxPrice">Largest accepted price.</param>
public sealed record InstrumentSpec(
    string Symbol,
    int BaseAsset,
    int QuoteAsset,
    long TickSize,
    long LotSize,
    long MinQuantity,
    long MaxQuantity,
    long ReferencePrice,
    long BandBasisPoints,
    long MaxPrice = long.MaxValue / 10_000);
