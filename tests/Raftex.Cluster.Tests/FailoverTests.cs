using Google.Protobuf.WellKnownTypes;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FailoverTests
{
    [Fact]
    public async Task Killing_the_leader_under_load_elects_another_and_the_restarted_node_catches_up_by_snapshot()
    {
        using var cluster = new TestCluster(3, snapshotThreshold: 2000);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 3, sessionClients: 2);
        await load.ProgressAsync(100);

        var before = (await cluster.StatusAsync(leader))!;
        cluster.Kill(leader);
        var survivors = cluster.Running.ToList();
        var next = await cluster.WaitForLeaderAsync(survivors, except: leader);
        Assert.NotEqual(leader, next);

        // Enough further load that the survivors snapshot and compact past everything the killed node holds.
        await cluster.UntilAsync(
            () => cluster.StatusAsync(next), s => s.SnapshotIndex > before.LastIndex + 20, "the new leader to compact past the killed node's log");
        await load.StopAsync();

        cluster.Start(leader);
        var statuses = await cluster.WaitForConvergenceAsync(cluster.Running);
        var restarted = statuses.Single(s => s.NodeId == (ulong)leader);
        Assert.True(restarted.SnapshotIndex > before.LastIndex, "the restarted node caught up through a snapshot");

        await history.VerifyAsync(cluster);
    }

    [Fact]
    public async Task An_isolated_leader_steps_down_acknowledges_nothing_and_rejoins_without_a_disruptive_election()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 1);
        await load.ProgressAsync(50);

        var fault = new Fault
        {
            Isolate = new IsolateFault { Direction = FaultDirection.Both },
            Duration = Duration.FromTimeSpan(TestCluster.Converge),
        };
        Assert.True((await cluster.Admin(leader).SetFaultsAsync([fault])).IsOk);
        var isolatedStatus = await cluster.UntilAsync(
            () => cluster.StatusAsync(leader), s => s.Role != Role.Leader, "the isolated leader to step down (check-quorum)");
        Assert.Single(isolatedStatus.ActiveFaults);
        var majority = cluster.Running.Where(id => id != leader).ToList();
        var next = await cluster.WaitForLeaderAsync(majority, except: leader);
        Assert.NotEqual(leader, next);

        // A write sent only to the isolated node is never acknowledged.
        var isolatedOnly = cluster.ClientOptions([leader]) with { RetryBudget = TimeSpan.FromMilliseconds(TestCluster.ElectionMs * 4) };
        using (var lonely = new ExchangeClient(isolatedOnly))
        {
            var order = History.Order(Load.AccountOf(0), 1_000_000, new Random(1));
            history.Sent(order);
            await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => lonely.SubmitOrderAsync(order));
        }

        await load.ProgressAsync(50);
        var termBeforeHeal = (await cluster.StatusAsync(next))!.Term;
        Assert.True((await cluster.Admin(leader).ClearFaultsAsync()).IsOk);
        await load.StopAsync();
        var statuses = await cluster.WaitForConvergenceAsync();
        // Pre-vote: the healed node did not force a new term on the majority.
        Assert.All(statuses, s => Assert.Equal(termBeforeHeal, s.Term));
        Assert.All(statuses, s => Assert.Equal((ulong)next, s.LeaderId));

        await history.VerifyAsync(cluster);
    }

    [Fact]
    public async Task Sigterm_on_the_leader_hands_leadership_over_before_exiting_and_no_request_fails()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 1);
        await load.ProgressAsync(50);

        var process = cluster.Slot(leader).Process!;
        Assert.True(process.Terminate(TestCluster.Converge), "the leader exits after SIGTERM");
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Leadership hand-off done", process.Output, StringComparison.Ordinal);
        var next = await cluster.WaitForLeaderAsync(cluster.Running, except: leader);
        Assert.NotEqual(leader, next);
        await load.ProgressAsync(50);
        await load.StopAsync();
        Assert.Equal(0, history.Unknown);

        cluster.Start(leader);
        using var client = new ExchangeClient(cluster.ClientOptions());
        await history.CheckAsync(client);
        History.CheckReplicas(await cluster.WaitForConvergenceAsync());
    }
}
