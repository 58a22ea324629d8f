namespace Raftex.Chaos;

/// <summary>The probe account: idempotent deposits and a linearizable balance read.</summary>
public interface IProbeLedger
{
    /// <summary>Deposits <paramref name="amount"/> with <paramref name="transactionId"/>; a repeat of an applied id is acknowledged without moving funds again.</summary>
    Task<ProbeOutcome> DepositAsync(ulong account, string asset, ulong transactionId, long amount, CancellationToken cancellationToken);

    /// <summary>The account's balance of <paramref name="asset"/> (free plus reserved); null when the cluster cannot answer.</summary>
    Task<long?> BalanceAsync(ulong account, string asset, CancellationToken cancellationToken);
}
