using Raftex.Protocol.V1;
using Raftex.Testing;

namespace Raftex.Backup.Tests;

/// <summary>The S3 store end to end with real processes: a node's backup written to s3rver, and a node started from it.</summary>
public sealed class S3NodeBackupTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    private const int Accounts = 20;

    [Fact]
    public async Task A_backup_written_to_s3_restores_a_node_with_the_same_balances_and_book()
    {
        var prefix = $"node-backups/{Guid.NewGuid():n}";
        using var store = new S3BackupStore(new S3StoreOptions
        {
            Bucket = s3.Server.Bucket, Prefix = prefix, Endpoint = s3.Server.Endpoint, ForcePathStyle = true,
            AccessKeyId = S3Server.AccessKeyId, SecretAccessKey = S3Server.SecretAccessKey,
        });
        using var source = new SingleNode("s3-source", []);
        await source.WaitReadyAsync();
        using (var client = source.Exchange())
        {
            for (var account = 1UL; account <= Accounts; account++)
            {
                var deposit = await client.DepositAsync(new TransferRequest { Account = account, TransactionId = 1, Asset = "USD", Amount = 10_000_000 });
                Assert.Equal(Outcome.Deposited, deposit.Outcome);
                var order = await client.SubmitOrderAsync(new SubmitOrderRequest
                {
                    Account = account, ClientOrderId = 2, Symbol = "BTC-USD", Side = OrderSide.Buy, Kind = OrderKind.Limit,
                    TimeInForce = TimeInForce.Gtc, Price = 96_000 + (long)account, Quantity = 3,
                });
                Assert.Equal(3, order.RemainingQuantity);
            }
        }

        var backup = await BackupWriter.WriteAsync(source.AdminStub, store, "nightly", null, TimeProvider.System, CancellationToken.None);
        Assert.Equal(["nightly"], await store.ListAsync(CancellationToken.None));
        Assert.Equal("s3-source", backup.Manifest.ClusterId);

        using var restored = new SingleNode("s3-restored", ["--restore-store", s3.Server.LocationFor(prefix), "--restore-backup", BackupName.Latest],
            new Dictionary<string, string?>
            {
                [S3StoreOptions.AccessKeyIdVariable] = S3Server.AccessKeyId,
                [S3StoreOptions.SecretAccessKeyVariable] = S3Server.SecretAccessKey,
            });
        var status = await restored.WaitReadyAsync(backup.Manifest.Index);
        Assert.Equal("s3-restored", status.ClusterId);
        Assert.Contains($"starting from backup {store.LocationOf("nightly")}", restored.Output, StringComparison.Ordinal);

        using var before = source.Exchange();
        using var after = restored.Exchange();
        for (var account = 1UL; account <= Accounts; account++)
        {
            var expected = await before.GetAccountAsync(new GetAccountRequest { Account = account });
            var actual = await after.GetAccountAsync(new GetAccountRequest { Account = account });
            Assert.Equal(expected.Balances, actual.Balances);
            Assert.Contains(actual.Balances, b => b is { Asset: "USD", Reserved: > 0 });
        }

        var book = await after.GetOrderBookAsync(new GetOrderBookRequest { Symbol = "BTC-USD", Depth = 100 });
        Assert.Equal((await before.GetOrderBookAsync(new GetOrderBookRequest { Symbol = "BTC-USD", Depth = 100 })).Bids, book.Bids);
        Assert.Equal(Accounts, book.Bids.Count);
    }

    [Fact]
    public void A_node_told_to_restore_from_s3_without_credentials_refuses_to_start_naming_the_variable()
    {
        using var node = new SingleNode("s3-no-credentials", ["--restore-store", s3.Server.LocationFor("anything"), "--restore-backup", "nightly"],
            new Dictionary<string, string?> { [S3StoreOptions.AccessKeyIdVariable] = S3Server.AccessKeyId, [S3StoreOptions.SecretAccessKeyVariable] = null });
        Assert.Equal(3, node.WaitForExit());
        Assert.Contains($"set {S3StoreOptions.SecretAccessKeyVariable}", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_told_to_restore_a_backup_not_in_s3_refuses_to_start_naming_it()
    {
        using var node = new SingleNode("s3-missing", ["--restore-store", s3.Server.LocationFor("empty-prefix"), "--restore-backup", "nightly"],
            new Dictionary<string, string?>
            {
                [S3StoreOptions.AccessKeyIdVariable] = S3Server.AccessKeyId,
                [S3StoreOptions.SecretAccessKeyVariable] = S3Server.SecretAccessKey,
            });
        Assert.Equal(3, node.WaitForExit());
        Assert.Contains($"backup s3://{s3.Server.Bucket}/empty-prefix/nightly: presence check failed", node.Output, StringComparison.Ordinal);
    }
}
