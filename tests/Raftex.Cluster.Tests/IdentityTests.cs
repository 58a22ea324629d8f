namespace Raftex.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class IdentityTests
{
    [Fact]
    public async Task A_second_process_on_the_same_data_directory_refuses_to_start()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        await cluster.WaitForLeaderAsync();
        var second = cluster.Start(1, dataDir: cluster.Slot(1).DataDir);
        Assert.True(second.WaitForExit(TestCluster.Converge));
        Assert.Equal(3, second.ExitCode);
        Assert.Contains("in use by another process", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_of_another_cluster_is_refused()
    {
        using var cluster = new TestCluster(4);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        // Node 4 claims to be a member of cluster "other", bootstrapping with the same peers.
        cluster.Start(4, bootstrap: true, clusterId: "other");
        var foreign = await cluster.UntilAsync(() => cluster.StatusAsync(4), s => s.Incarnation.Length > 0, "node 4 to start");
        Assert.Equal("other", foreign.ClusterId);
        // Several election timeouts later nobody in "test" has let it in or followed it.
        var deadline = DateTime.UtcNow.AddMilliseconds(TestCluster.ElectionMs * 6);
        while (DateTime.UtcNow < deadline)
        {
            var status = (await cluster.StatusAsync(leader))!;
            Assert.Equal(Raftex.Protocol.V1.Role.Leader, status.Role);
            Assert.DoesNotContain(status.Members, m => m.NodeId == 4);
            var other = (await cluster.StatusAsync(4))!;
            Assert.NotEqual(Raftex.Protocol.V1.Role.Leader, other.Role);
            await Task.Delay(TestCluster.HeartbeatMs);
        }

        Assert.Contains("refused", cluster.Slot(4).Process!.Output + cluster.Logs(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_node_restarted_on_an_empty_data_directory_is_not_counted_as_its_old_self_until_re_added()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var victim = cluster.Running.First(id => id != leader);
        var old = (await cluster.StatusAsync(victim))!;
        cluster.Kill(victim);
        cluster.WipeData(victim);
        cluster.Start(victim);
        var fresh = await cluster.UntilAsync(() => cluster.StatusAsync(victim), s => s.Incarnation.Length > 0, "the wiped node to start");
        Assert.NotEqual(old.Incarnation, fresh.Incarnation);

        // The leader keeps refusing the new incarnation: the wiped node never learns the log.
        var deadline = DateTime.UtcNow.AddMilliseconds(TestCluster.ElectionMs * 6);
        while (DateTime.UtcNow < deadline)
        {
            var s = (await cluster.StatusAsync(victim))!;
            Assert.Equal(0ul, s.AppliedIndex);
            await Task.Delay(TestCluster.HeartbeatMs);
        }

        var leaderView = (await cluster.StatusAsync(leader))!;
        Assert.Equal(old.Incarnation, leaderView.Members.Single(m => m.NodeId == (ulong)victim).Incarnation);

        // Removed and re-added with its new incarnation, it catches up as a learner.
        Assert.True((await cluster.Admin(leader).RemoveMemberAsync((ulong)victim, old.Incarnation)).IsOk);
        var readded = await cluster.Admin(leader).AddLearnerAsync((ulong)victim, $"127.0.0.1:{cluster.Slot(victim).PeerPort}", fresh.Incarnation);
        Assert.True(readded.IsOk, readded.ToString());
        await cluster.UntilAsync(() => cluster.StatusAsync(victim), s => s.AppliedIndex >= readded.Value!.Index, "the re-added node to catch up");
    }

    [Fact]
    public async Task A_member_that_joined_after_a_node_was_wiped_refuses_it_too()
    {
        using var cluster = new TestCluster(4);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync([1, 2, 3]);
        var victim = new long[] { 1, 2, 3 }.First(id => id != leader);
        var old = (await cluster.StatusAsync(victim))!;

        // Node 4 joins and becomes a voter; it hears only from the leader, never from the victim.
        cluster.Start(4, join: true);
        var joiner = await cluster.UntilAsync(() => cluster.StatusAsync(4), s => s.Incarnation.Length > 0, "node 4 to start");
        var added = await cluster.Admin(leader).AddLearnerAsync(4, $"127.0.0.1:{cluster.Slot(4).PeerPort}", joiner.Incarnation);
        Assert.True(added.IsOk, added.ToString());
        await cluster.UntilAsync(() => cluster.StatusAsync(4), s => s.AppliedIndex >= added.Value!.Index, "node 4 to catch up");
        Assert.True((await cluster.Admin(leader).PromoteLearnerAsync(4)).IsOk);

        // The leader's pins reach node 4, so it holds the victim's original incarnation without ever hearing from it.
        await cluster.UntilAsync(
            () => cluster.StatusAsync(4), s => s.Members.Any(m => m.NodeId == (ulong)victim && m.Incarnation == old.Incarnation),
            "node 4 to pin the victim's incarnation from the leader");

        cluster.Kill(victim);
        cluster.WipeData(victim);
        cluster.Start(victim);
        var fresh = await cluster.UntilAsync(() => cluster.StatusAsync(victim), s => s.Incarnation.Length > 0, "the wiped node to start");
        Assert.NotEqual(old.Incarnation, fresh.Incarnation);

        // Node 4 leads now and reaches out to the wiped node: its answers are refused as a stale incarnation.
        Assert.True((await cluster.Admin(leader).TransferLeadershipAsync(4)).IsOk);
        await cluster.UntilAsync(
            () => Task.FromResult<string?>(cluster.Slot(4).Process!.Output),
            output => output.Contains($"node {victim} incarnation '{fresh.Incarnation}' is stale", StringComparison.Ordinal),
            "node 4 to refuse the wiped node's new incarnation");
        Assert.Equal(0ul, (await cluster.StatusAsync(victim))!.AppliedIndex);
    }
}
