using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MembershipTests
{
    [Fact]
    public async Task A_learner_is_added_promoted_and_the_leader_removed()
    {
        using var cluster = new TestCluster(4);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 1);
        await load.ProgressAsync(50);

        cluster.Start(4, join: true);
        var joining = await cluster.UntilAsync(() => cluster.StatusAsync(4), s => s.Incarnation.Length > 0, "node 4 to start");
        Assert.Equal(0ul, joining.LeaderId);
        var added = await cluster.Admin(leader).AddLearnerAsync(4, $"127.0.0.1:{cluster.Slot(4).PeerPort}", joining.Incarnation);
        Assert.True(added.IsOk, added.ToString());
        Assert.Contains(added.Value!.Members, m => m.NodeId == 4 && m.Kind == MemberKind.Learner);
        await cluster.UntilAsync(() => cluster.StatusAsync(4), s => s.Role == Role.Learner && s.AppliedIndex > 0, "node 4 to follow as a learner");

        var promoted = await cluster.Admin(leader).PromoteLearnerAsync(4);
        Assert.True(promoted.IsOk, promoted.ToString());
        Assert.Contains(promoted.Value!.Members, m => m.NodeId == 4 && m.Kind == MemberKind.Voter);

        var removed = await cluster.Admin(leader).RemoveMemberAsync((ulong)leader, string.Empty);
        Assert.True(removed.IsOk, removed.ToString());
        var remaining = cluster.Running.Where(id => id != leader).ToList();
        var next = await cluster.WaitForLeaderAsync(remaining, except: leader);
        Assert.NotEqual(leader, next);
        var status = (await cluster.StatusAsync(next))!;
        Assert.DoesNotContain(status.Members, m => m.NodeId == (ulong)leader);
        Assert.Equal(3, status.Members.Count(m => m.Kind == MemberKind.Voter));

        await load.ProgressAsync(30);
        await load.StopAsync();
        await history.VerifyAsync(cluster, remaining);
    }
}
