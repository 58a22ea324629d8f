namespace Raftex.Exchange;

/// <summary>Static configuration of an exchange state machine; every replica must use the same one (it is stored in snapshots).</summary>
/// <param name="Assets">Asset names; an asset's wire id is its index.</param>
/// <param name="Instruments">Instruments; an instrument's wire id is its index.</param>
/// <param name="SessionTimeout">A client session expires after this span of log time without a command.</param>
/// <param name="SessionWindow">Results remembered per session (a power of two): at most this many commands may be in flight per session.</param>
/// <param name="ClientIdRetention">Span of log time a client id (order id, cancel id, transaction id) is remembered after its command; ids of live orders are kept while the order lives.</param>
public sealed record ExchangeConfig(
    IReadOnlyList<string> Assets,
    IReadOnlyList<InstrumentSpec> Instruments,
    long SessionTimeout,
    int SessionWindow,
    long ClientIdRetention)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Assets.Count == 0 || Assets.Count > ushort.MaxValue)
        {
            throw new ArgumentException("at least one and at most 65535 assets are required", nameof(Assets));
        }

        if (Instruments.Count > ushort.MaxValue)
        {
            throw new ArgumentException("at most 65535 instruments", nameof(Instruments));
        }

        if (SessionTimeout <= 0)
        {
            throw new ArgumentException("session timeout must be positive", nameof(SessionTimeout));
        }

        if (SessionWindow <= 0 || SessionWindow > 65536 || (SessionWindow & (SessionWindow - 1)) != 0)
        {
            throw new ArgumentException("session window must be a power of two in [1, 65536]", nameof(SessionWindow));
        }

        if (ClientIdRetention <= 0)
        {
            throw new ArgumentException("client id retention must be positive", nameof(ClientIdRetention));
        }

        for (var i = 0; i < Instruments.Count; i++)
        {
            var s = Instruments[i];
            var where = $"instrument {i} ({s.Symbol})";
            if (string.IsNullOrEmpty(s.Symbol))
            {
                throw new ArgumentException($"{where}: symbol is empty", nameof(Instruments));
            }

            for (var j = 0; j < i; j++)
            {
                if (Instruments[j].Symbol == s.Symbol)
                {
                    throw new ArgumentException($"{where}: symbol repeated", nameof(Instruments));
                }
            }

            if ((uint)s.BaseAsset >= (uint)Assets.Count || (uint)s.QuoteAsset >= (uint)Assets.Count || s.BaseAsset == s.QuoteAsset)
            {
                throw new ArgumentException($"{where}: base and quote must be two different configured assets", nameof(Instruments));
            }

            if (s.TickSize <= 0 || s.LotSize <= 0 || s.MinQuantity <= 0 || s.MaxQuantity < s.MinQuantity || s.MaxPrice <= 0)
            {
                throw new ArgumentException($"{where}: tick, lot, min/max quantity and max price must be positive and ordered", nameof(Instruments));
            }

            if (s.ReferencePrice <= 0 || s.ReferencePrice > s.MaxPrice || s.BandBasisPoints < 0 || s.BandBasisPoints > 10_000)
            {
                throw new ArgumentException($"{where}: reference price must be in (0, max price] and the band in [0, 10000] bp", nameof(Instruments));
            }

            if (s.MaxPrice > long.MaxValue / 10_000)
            {
                throw new ArgumentException($"{where}: max price must be at most long.MaxValue / 10000 so band arithmetic cannot overflow", nameof(Instruments));
            }
        }
    }
}
