using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>
/// Steps of the leader's clock through the fault API (offset and tick rate) on a real 3-node cluster: acknowledged
/// transaction ids and sessions must survive them, because log time follows real elapsed time, not the leader's clock.
/// A real step of the system clock is not done here (it would disturb every process on a shared machine); the stamping
/// clock's wall source is the one the fault offset shifts, and its unit tests step it directly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClockStepTests
{
    private const ulong Account = 42;
    private static readonly TimeSpan Skewed = TimeSpan.FromSeconds(2);

    public static TheoryData<long> Offsets => new() { 3600, 86_400, MaxSkewSeconds, -MaxSkewSeconds };

    /// <summary>The fault API's documented bound on a clock-skew offset (7 days), in either direction.</summary>
    private const long MaxSkewSeconds = 604_800;

    [Theory]
    [MemberData(nameof(Offsets))]
    public async Task A_clock_skew_on_the_leader_never_forgets_acknowledged_ids_or_sessions(long offsetSeconds)
    {
        await RunStepAsync(new ClockSkewFault { Skew = Duration.FromTimeSpan(TimeSpan.FromSeconds(offsetSeconds)) });
    }

    [Theory]
    [InlineData(100.0)]
    [InlineData(0.01)]
    public async Task A_tick_rate_fault_on_the_leader_never_forgets_acknowledged_ids_or_sessions(double rate)
    {
        await RunStepAsync(new ClockSkewFault { TickRate = rate });
    }

    [Fact]
    public async Task A_clock_skew_beyond_seven_days_is_refused_naming_the_field()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var admin = cluster.Admin(leader);
        foreach (var seconds in new[] { MaxSkewSeconds + 1, -(MaxSkewSeconds + 1), 100_000_000_000 })
        {
            var result = await admin.SetFaultsAsync([new Fault { ClockSkew = new ClockSkewFault { Skew = new Duration { Seconds = seconds } }, Duration = Duration.FromTimeSpan(Skewed) }]);
            Assert.Equal(AdminOutcome.InvalidArgument, result.Outcome);
            Assert.Contains("faults[0].clock_skew.skew", result.Detail, StringComparison.Ordinal);
            Assert.Contains("604800", result.Detail, StringComparison.Ordinal);
        }

        Assert.Empty((await cluster.StatusAsync(leader))!.ActiveFaults);
    }

    private static async Task RunStepAsync(ClockSkewFault step)
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        using var client = new ExchangeClient(cluster.ClientOptions());

        var first = History.Deposit(Account, 5001, "USD", 1000);
        var acked = await client.DepositAsync(first);
        Assert.Equal(Outcome.Deposited, acked.Outcome);
        Assert.True((await client.DepositAsync(first)).Duplicate, "a retry before the step is a duplicate");

        ulong sessionId;
        await using (var session = new OrderSessionClient(cluster.ClientOptions()))
        {
            await session.OpenAsync();
            sessionId = session.SessionId;
            var report = await session.SendAsync(Buy(1));
            Assert.True(report.Reply?.Outcome == Outcome.Rejected && report.Reply.RejectReasonName == "InsufficientFunds", report.ToString());
        }

        var admin = cluster.Admin(leader);
        var set = await admin.SetFaultsAsync([new Fault { ClockSkew = step, Duration = Duration.FromTimeSpan(Skewed) }]);
        Assert.True(set.IsOk, set.Detail);
        var during = await client.DepositAsync(History.Deposit(Account, 5002, "USD", 1));
        Assert.Equal(Outcome.Deposited, during.Outcome);
        await cluster.UntilAsync(() => cluster.StatusAsync(leader), s => s.ActiveFaults.Count == 0, "the clock fault to end by itself");
        var after = await client.DepositAsync(History.Deposit(Account, 5003, "USD", 1));
        Assert.Equal(Outcome.Deposited, after.Outcome);

        var retry = await client.DepositAsync(first);
        Assert.True(retry.Duplicate, $"the retry of acknowledged id 5001 after the step was applied again: {retry}");
        var balance = (await client.GetAccountAsync(new GetAccountRequest { Account = Account })).Balances.Single(b => b.Asset == "USD");
        Assert.Equal(1002, balance.Free + balance.Reserved);

        await using var resumed = new OrderSessionClient(cluster.ClientOptions(), sessionId);
        await resumed.OpenAsync();
        Assert.Equal(sessionId, resumed.SessionId);
        var next = await resumed.SendAsync(Buy(2));
        Assert.True(next.Reply?.RejectReasonName != "UnknownSession", $"session {sessionId} was forgotten by the step: {next}");
        Assert.True(next.Reply?.Outcome == Outcome.Rejected && next.Reply.RejectReasonName == "InsufficientFunds", next.ToString());
    }

    private static SessionCommand Buy(ulong clientOrderId) => new()
    {
        Submit = new SubmitOrderRequest
        {
            Account = Account + 1,
            ClientOrderId = clientOrderId,
            Symbol = "BTC-USD",
            Side = OrderSide.Buy,
            Kind = OrderKind.Limit,
            TimeInForce = TimeInForce.Gtc,
            Price = 99_000,
            Quantity = 1,
        },
    };
}
