using Raftex.Chaos;

namespace Raftex.Testing;

/// <summary>
/// An in-memory probe account with idempotent deposits. It can be told to answer Unknown for a while (a lost reply,
/// the deposit applied or not) and to lose an acknowledged deposit, as a broken cluster would. Each newly applied
/// deposit calls <paramref name="committed"/>, so the fake cluster under it commits one more entry, as the real one would.
/// Linked into the chaos engine tests and the operator's controller tests (tests/Shared).
/// </summary>
internal sealed class FakeLedger(Action committed) : IProbeLedger
{
    private readonly Dictionary<ulong, long> _applied = [];

    public long Baseline { get; set; } = 1_000;
    public bool AnswerUnknown { get; set; }
    public bool ApplyWhileUnknown { get; set; } = true;
    public bool Unavailable { get; set; }
    public int Deposits { get; private set; }

    /// <summary>Forgets one applied deposit: an acknowledged write the cluster lost.</summary>
    public void LoseOneAcknowledged() => _applied.Remove(_applied.Keys.First());

    public Task<ProbeOutcome> DepositAsync(ulong account, string asset, ulong transactionId, long amount, CancellationToken cancellationToken)
    {
        Deposits++;
        if (Unavailable)
        {
            return Task.FromResult(ProbeOutcome.Unknown);
        }

        if (AnswerUnknown)
        {
            if (ApplyWhileUnknown)
            {
                Apply(transactionId, amount);
            }

            return Task.FromResult(ProbeOutcome.Unknown);
        }

        Apply(transactionId, amount);
        return Task.FromResult(ProbeOutcome.Acknowledged);
    }

    public Task<long?> BalanceAsync(ulong account, string asset, CancellationToken cancellationToken) =>
        Task.FromResult(Unavailable ? null : (long?)(Baseline + _applied.Values.Sum()));

    private void Apply(ulong id, long amount)
    {
        if (_applied.TryAdd(id, amount))
        {
            committed();
        }
    }
}
