namespace Raftex.Exchange.Tests;

/// <summary>
/// An engine holding every shape of session a snapshot must keep (window 8): idle, one command, a sequence jump that
/// leaves slots older than the window still answering, and a wrapped full window. The kept version 2 snapshot in
/// <see cref="CompactSessionSnapshotTests"/> was written by the previous build from exactly this state.
/// </summary>
public static class SessionStates
{
    public const long SparseSession = 13;
    public const long FullSession = 17;

    /// <summary>Log time of the sparse session's last command (the sessions before it were last active earlier, the full one later).</summary>
    public const long SparseLastActive = 1_020;

    /// <summary>Builds the state, with the entry format raised to <paramref name="format"/> at the end (1 leaves it as it is).</summary>
    public static ExchangeDriver Build(byte format)
    {
        var x = ExchangeDriver.Busy(out _);
        x.Time += 10;
        x.RegisterSession();
        x.Time += 10;
        var sparse = x.RegisterSession();
        foreach (var seq in new long[] { 1, 2, 20 })
        {
            x.Deposit(1, ExchangeDriver.Usd, seq, session: sparse, seq: seq);
        }

        x.Time += 10;
        var full = x.RegisterSession();
        for (var seq = 1; seq <= 13; seq++)
        {
            x.Time += 1;
            x.Deposit(2, ExchangeDriver.Usd, seq, session: full, seq: seq);
        }

        if (sparse != SparseSession || full != FullSession || x.Time - 13 - 10 != SparseLastActive)
        {
            throw new InvalidOperationException($"session ids {sparse}, {full} moved: the kept snapshot no longer matches this state");
        }

        if (format > 1)
        {
            x.SetEntryFormat(format);
        }

        return x;
    }
}
