using System.Text.Json.Nodes;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.E2E.Tests;

/// <summary>
/// Backups and restores as a user drives them with kubectl on the local platform: the operator streams a backup out of a
/// real node into a filesystem store, a new cluster starts from it in real node processes that read the store through their
/// pod's hostPath mount, and a damaged backup is refused before any pod exists.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BackupRestoreTests(LocalPlatformFixture platform) : IClassFixture<LocalPlatformFixture>
{
    private const ulong Account = 42;
    private const long Usd = 1_234_500;

    private Kubectl Kubectl => platform.Kubectl;

    [Fact]
    public async Task A_backup_taken_with_kubectl_restores_into_a_new_cluster_and_a_damaged_one_is_refused()
    {
        var ns = await platform.NamespaceAsync("backup");
        var store = Path.Combine(platform.StateDirectory, "backups");
        await platform.CreateClusterAsync(ns, "src");
        Account sourceAccount;
        OrderBook sourceBook;
        using (var source = Client(await AddressesAsync(ns, "src")))
        {
            Assert.Equal(Outcome.Deposited, (await source.DepositAsync(new TransferRequest { Account = Account, TransactionId = 1, Asset = "USD", Amount = Usd })).Outcome);
            var order = await source.SubmitOrderAsync(new SubmitOrderRequest
            {
                Account = Account, ClientOrderId = 2, Symbol = "BTC-USD", Side = OrderSide.Buy, Kind = OrderKind.Limit,
                TimeInForce = TimeInForce.Gtc, Price = 100, Quantity = 5,
            });
            Assert.Equal(Outcome.Accepted, order.Outcome);
            sourceAccount = await source.GetAccountAsync(new GetAccountRequest { Account = Account });
            sourceBook = await source.GetOrderBookAsync(new GetOrderBookRequest { Symbol = "BTC-USD", Depth = 10 });
        }

        var (code, output, error) = await Kubectl.ApplyAsync($$"""
            apiVersion: raftex.io/v1alpha1
            kind: ExchangeBackup
            metadata: {name: src-b1}
            spec:
              clusterRef: src
              store:
                filesystem:
                  path: {{store}}
            """, ns);
        Assert.True(code == 0, error + output);
        JsonNode? backup = null;
        await LocalPlatformFixture.UntilAsync(async () =>
        {
            backup = await Kubectl.JsonAsync("get", "xb", "src-b1", "-n", ns);
            return (string?)backup["status"]?["phase"] is "Completed" or "Failed";
        }, "src-b1 is Completed or Failed", LocalPlatformFixture.ClusterReady);
        Assert.True((string?)backup!["status"]!["phase"] == "Completed", backup.ToJsonString());
        var index = backup["status"]!["index"]!.GetValue<long>();
        Assert.True(index > 0);
        Assert.True(File.Exists(Path.Combine(store, "src-b1", "manifest.json")));
        var table = await Kubectl.RunAsync("get", "xb", "-n", ns);
        Assert.Contains("Completed", table, StringComparison.Ordinal);
        Assert.Contains("src", table, StringComparison.Ordinal);

        (code, output, error) = await Kubectl.ApplyAsync(LocalPlatformFixture.ExchangeCluster("dst", extraSpec: """
              bootstrap:
                fromBackup: {backup: src-b1}
            """), ns);
        Assert.True(code == 0, error + output);
        JsonNode? restored = null;
        await LocalPlatformFixture.UntilAsync(async () =>
        {
            restored = await Kubectl.JsonAsync("get", "xc", "dst", "-n", ns);
            return LocalPlatformFixture.Condition(restored, "Available") == "True" && LocalPlatformFixture.Condition(restored, "Restored") == "True";
        }, "dst is Available and Restored", LocalPlatformFixture.ClusterReady);
        Assert.Equal(index, restored!["status"]!["restoredFrom"]!["index"]!.GetValue<long>());
        Assert.NotEqual(
            (string?)(await Kubectl.JsonAsync("get", "xc", "src", "-n", ns))["status"]!["clusterId"],
            (string?)restored["status"]!["clusterId"]);
        using (var target = Client(await AddressesAsync(ns, "dst")))
        {
            var account = await target.GetAccountAsync(new GetAccountRequest { Account = Account });
            var usd = account.Balances.Single(b => b.Asset == "USD");
            Assert.Equal(Usd, usd.Free + usd.Reserved);
            Assert.True(usd.Reserved > 0, account.ToString());
            Assert.Equal(sourceAccount.Balances, account.Balances);
            var book = await target.GetOrderBookAsync(new GetOrderBookRequest { Symbol = "BTC-USD", Depth = 10 });
            Assert.Equal(100, book.Bids.Single().Price);
            Assert.Equal(sourceBook.Bids, book.Bids);
        }

        // One flipped byte in the stored snapshot: the next restore is refused before any pod exists.
        var data = Path.Combine(store, "src-b1", "snapshot.snap");
        var bytes = await File.ReadAllBytesAsync(data);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(data, bytes);
        (code, output, error) = await Kubectl.ApplyAsync(LocalPlatformFixture.ExchangeCluster("bad", extraSpec: $$"""
              bootstrap:
                fromBackup:
                  name: src-b1
                  store:
                    filesystem:
                      path: {{store}}
            """), ns);
        Assert.True(code == 0, error + output);
        JsonNode? refused = null;
        await LocalPlatformFixture.UntilAsync(async () =>
        {
            refused = await Kubectl.JsonAsync("get", "xc", "bad", "-n", ns);
            return LocalPlatformFixture.Condition(refused, "Restored") == "False";
        }, "bad is refused", LocalPlatformFixture.ClusterReady);
        var condition = refused!["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Restored")!;
        Assert.Equal("BackupChecksumMismatch", (string?)condition["reason"]);
        Assert.Contains("src-b1", (string?)condition["message"], StringComparison.Ordinal);
        Assert.Null(await Kubectl.FindAsync("get", "statefulset", "bad", "-n", ns));
        await Kubectl.RunAsync("delete", "namespace", ns);
    }

    private async Task<List<string>> AddressesAsync(string ns, string cluster) =>
        (await Kubectl.JsonAsync("get", "pods", "-n", ns, "-l", $"raftex.io/cluster={cluster}"))["items"]!.AsArray()
            .Select(p => $"{(string)p!["status"]!["podIP"]!}:7001").ToList();

    private static ExchangeClient Client(List<string> addresses) => new(new ExchangeClientOptions
    {
        Addresses = addresses,
        AttemptTimeout = LocalPlatformFixture.ElectionTimeout * 4,
        RetryBudget = LocalPlatformFixture.ElectionTimeout * 30,
    });
}
