using Grpc.Core;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Chaos;

/// <summary>The probe account through Raftex.Client: a refusal is Failed, a lost answer is Unknown.</summary>
public sealed class ExchangeProbeLedger(ExchangeClient client) : IProbeLedger
{
    public async Task<ProbeOutcome> DepositAsync(ulong account, string asset, ulong transactionId, long amount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var reply = await client.DepositAsync(new TransferRequest { Account = account, TransactionId = transactionId, Asset = asset, Amount = amount }, cancellationToken)
                .ConfigureAwait(false);
            return reply.Outcome == Outcome.Deposited ? ProbeOutcome.Acknowledged : ProbeOutcome.Failed;
        }
        catch (RpcException e) when (ExchangeClient.IsRetryable(e.StatusCode))
        {
            // The command may or may not have committed: only a resubmission with the same id can tell.
            return ProbeOutcome.Unknown;
        }
        catch (RpcException)
        {
            return ProbeOutcome.Failed;
        }
    }

    public async Task<long?> BalanceAsync(ulong account, string asset, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await client.GetAccountAsync(new GetAccountRequest { Account = account }, cancellationToken).ConfigureAwait(false);
            var balance = reply.Balances.FirstOrDefault(b => b.Asset == asset);
            return balance is null ? 0 : balance.Free + balance.Reserved;
        }
        catch (RpcException)
        {
            return null;
        }
    }
}
