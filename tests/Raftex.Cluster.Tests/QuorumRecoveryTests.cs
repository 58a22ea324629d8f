using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>Two of three members lose their data for good: the quorum is lost, recovered by force from the survivor, and grown back.</summary>
[Collection(ClusterCollection.Name)]
public sealed class QuorumRecoveryTests
{
    private static async Task<QuorumAssessment> AssessAsync(TestCluster cluster)
    {
        var observations = new List<MemberObservation>();
        foreach (var id in new long[] { 1, 2, 3 })
        {
            var result = await cluster.Admin(id).GetStatusAsync();
            observations.Add(new MemberObservation((ulong)id, result.IsOk ? result.Value : null, result.IsOk ? null : result.ToString()));
        }

        return QuorumAssessment.Assess(observations, [1, 2, 3]);
    }

    [Fact]
    public async Task Lost_majority_is_seen_recovered_from_the_survivor_and_grown_back_to_three()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 1);
        await load.ProgressAsync(150);
        await load.StopAsync();
        using (var client = new ExchangeClient(cluster.ClientOptions()))
        {
            await history.ResolveUnknownsAsync(client);
        }

        await cluster.WaitForConvergenceAsync();
        Assert.False((await AssessAsync(cluster)).QuorumLost);

        // The leader and one follower are gone with their volumes.
        var survivor = cluster.Running.First(id => id != leader);
        var lost = cluster.Running.Where(id => id != survivor).ToList();
        var before = (await cluster.StatusAsync(survivor))!;
        foreach (var id in lost)
        {
            cluster.Kill(id);
            cluster.WipeData(id);
        }

        var stuck = await cluster.UntilAsync(() => cluster.StatusAsync(survivor), s => s.LeaderId == 0, "the survivor to lose its leader");
        Assert.Equal(before.LastIndex, stuck.LastIndex);
        var assessment = await AssessAsync(cluster);
        Assert.True(assessment.QuorumLost, assessment.Summary);
        Assert.Equal((ulong)survivor, assessment.Survivor);
        Assert.Contains("1 of 3 voters reachable", assessment.Summary, StringComparison.Ordinal);
        Assert.Contains($"node {survivor} (voter) reachable: last index {stuck.LastIndex}", assessment.Summary, StringComparison.Ordinal);

        // The destructive call is guarded: it must name its target.
        var wrong = await cluster.Admin(survivor).ForceNewClusterAsync((ulong)lost[0]);
        Assert.Equal(AdminOutcome.InvalidArgument, wrong.Outcome);

        var forced = await cluster.Admin(survivor).ForceNewClusterAsync((ulong)survivor);
        Assert.True(forced.IsOk, forced.ToString());
        Assert.Equal(stuck.LastIndex, forced.Value!.LastIndexBefore);
        Assert.True(forced.Value.Index > forced.Value.LastIndexBefore);
        Assert.NotEqual(before.Incarnation, forced.Value.Incarnation);
        var alone = await cluster.UntilAsync(() => cluster.StatusAsync(survivor), s => s.Role == Role.Leader, "the survivor to lead alone");
        Assert.Equal([(ulong)survivor], alone.Members.Select(m => m.NodeId));
        Assert.Equal(forced.Value.Incarnation, alone.Incarnation);

        // A second force is refused now that there is a leader.
        var again = await cluster.Admin(survivor).ForceNewClusterAsync((ulong)survivor);
        Assert.Equal(AdminOutcome.Rejected, again.Outcome);
        Assert.Contains("quorum is not lost", again.Detail, StringComparison.Ordinal);

        // Grow back through the learner path: the replacements start empty and are added and promoted one at a time.
        foreach (var id in lost)
        {
            cluster.Start(id, join: true);
            var joining = await cluster.UntilAsync(() => cluster.StatusAsync(id), s => s.Incarnation.Length > 0, $"node {id} to start");
            var added = await cluster.Admin(survivor).AddLearnerAsync((ulong)id, $"127.0.0.1:{cluster.Slot(id).PeerPort}", joining.Incarnation);
            Assert.True(added.IsOk, added.ToString());
            await cluster.UntilAsync(() => cluster.StatusAsync(id), s => s.Role == Role.Learner && s.AppliedIndex >= forced.Value.Index, $"node {id} to catch up as a learner");
            var promoted = await cluster.Admin(survivor).PromoteLearnerAsync((ulong)id);
            Assert.True(promoted.IsOk, promoted.ToString());
        }

        var grown = (await cluster.StatusAsync(survivor))!;
        Assert.Equal(3, grown.Members.Count(m => m.Kind == MemberKind.Voter));

        // Every acknowledged order is there, and retrying acknowledged ones applies nothing twice.
        using (var client = new ExchangeClient(cluster.ClientOptions()))
        {
            foreach (var (order, reply) in history.AcknowledgedOrders(20))
            {
                var retried = await client.SubmitOrderAsync(order);
                Assert.True(retried.Duplicate, $"order {order.Account}/{order.ClientOrderId} was applied again after the recovery: {retried}");
                Assert.Equal(reply.OrderId, retried.OrderId);
            }

            var more = await client.DepositAsync(History.Deposit(Load.AccountOf(0), 77, "USD", 5));
            Assert.Equal(Outcome.Deposited, more.Outcome);
            history.Sent(History.Deposit(Load.AccountOf(0), 77, "USD", 5));
            history.Acked(History.Deposit(Load.AccountOf(0), 77, "USD", 5), more);
        }

        await history.VerifyAsync(cluster);
    }

    [Fact]
    public async Task A_lost_member_that_comes_back_with_its_old_data_cannot_rejoin_the_recovered_cluster()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        await cluster.WaitForLeaderAsync();
        await cluster.WaitForConvergenceAsync();
        cluster.Kill(2);
        cluster.Kill(3);
        cluster.WipeData(3);
        await cluster.UntilAsync(() => cluster.StatusAsync(1), s => s.LeaderId == 0, "node 1 to lose its leader");
        var forced = await cluster.Admin(1).ForceNewClusterAsync(1);
        Assert.True(forced.IsOk, forced.ToString());

        // Node 2 was not really lost: it returns with its old log, its old membership and its pin of node 1's old incarnation.
        cluster.Start(2, bootstrap: true, peerIds: [1, 2, 3]);
        var stale = await cluster.UntilAsync(() => cluster.StatusAsync(2), s => s.Incarnation.Length > 0, "node 2 to start");
        await TestCluster.WaitForAsync(
            () => Task.FromResult<string?>(cluster.Logs() is var l && l.Contains("node 2 is not a member of the cluster", StringComparison.Ordinal) ? l : null),
            _ => true, "node 1 to refuse node 2, no longer a member");

        // Even re-added under its old identity, it refuses the survivor's new incarnation and never takes the new log.
        var added = await cluster.Admin(1).AddLearnerAsync(2, $"127.0.0.1:{cluster.Slot(2).PeerPort}", stale.Incarnation);
        Assert.True(added.IsOk, added.ToString());
        await TestCluster.WaitForAsync(
            () => Task.FromResult<string?>(cluster.Logs() is var l && l.Contains($"incarnation '{forced.Value!.Incarnation}' is stale or unknown", StringComparison.Ordinal) ? l : null),
            _ => true, "node 2 to refuse node 1's new incarnation");
        var status2 = (await cluster.StatusAsync(2))!;
        Assert.Equal(3, status2.Members.Count(m => m.Kind == MemberKind.Voter));
        Assert.NotEqual(Role.Leader, status2.Role);
        Assert.True(status2.LastIndex < forced.Value!.Index, $"node 2 took the recovered log: {status2}");
        var status1 = (await cluster.StatusAsync(1))!;
        Assert.Equal(Role.Leader, status1.Role);
        Assert.Equal([1ul], status1.Members.Where(m => m.Kind == MemberKind.Voter).Select(m => m.NodeId));
    }
}
