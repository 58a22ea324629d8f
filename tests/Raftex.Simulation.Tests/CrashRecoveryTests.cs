using Raftex.Raft;

namespace Raftex.Simulation.Tests;

/// <summary>A crashed node comes back with exactly its durable state, inside a running cluster.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public void A_node_crashed_mid_fsync_restarts_from_its_durable_prefix_and_catches_up()
    {
        var cluster = new SimCluster(SimulationOptions.ForSeed(3) with { Mix = FaultMix.Calm, Nodes = 3 });

        // Step until some node has writes issued but not yet fsynced.
        SimNode? victim = null;
        for (var t = 200_000L; victim is null && t < 1_500_000; t += 100)
        {
            cluster.RunUntil(t);
            victim = cluster.Nodes.Values.FirstOrDefault(n => n.Up && n.Disk.PendingWrites > 0 && n.Disk.Written.LastIndex > n.Disk.Durable.LastIndex);
        }

        Assert.NotNull(victim);
        var syncedLast = victim.Disk.Durable.LastIndex;
        var writtenLast = victim.Disk.Written.LastIndex;
        Assert.True(writtenLast > syncedLast);

        // The crash keeps what was fsynced and, by the seed's choice, a torn prefix of the write in progress.
        cluster.CrashNode(victim);
        var durableLast = victim.Disk.Durable.LastIndex;
        var durableFirst = victim.Disk.Durable.FirstIndex;
        var durableHardState = victim.Disk.Durable.HardState;
        Assert.InRange(durableLast, syncedLast, writtenLast);
        cluster.RestartNode(victim);

        // Exactly the durable prefix is back: the lost tail is gone, nothing that reached the disk is missing.
        Assert.Equal(durableLast, victim.Storage!.LastIndex());
        Assert.Equal(durableFirst, victim.Storage.FirstIndex());
        Assert.Equal(durableHardState.Term, victim.Raft!.Term);
        Assert.True(victim.Raft.Status.Commit >= victim.LastSyncedCommit);

        var result = cluster.Run();
        Assert.True(!result.Failed, string.Join('\n', result.Violations));
        Assert.True(victim.AppliedIndex > writtenLast, $"n{victim.Id} applied only up to {victim.AppliedIndex}");
    }

    [Fact]
    public void Restart_is_refused_for_a_running_node()
    {
        var cluster = new SimCluster(SimulationOptions.ForSeed(3) with { Mix = FaultMix.Calm });
        cluster.RunUntil(50_000);

        Assert.Throws<InvalidOperationException>(() => cluster.RestartNode(cluster.Nodes[1]));
    }

    [Fact]
    public void A_restarted_node_rebuilds_its_applied_state_from_snapshot_and_log()
    {
        var cluster = new SimCluster(SimulationOptions.ForSeed(8) with { Mix = FaultMix.Calm, Nodes = 3, SnapshotEvery = 20 });
        cluster.RunUntil(800_000);
        var node = cluster.Nodes.Values.First(n => n.Up && n.Role != RaftRole.Leader);
        var appliedBefore = node.AppliedIndex;
        var chainBefore = node.Chain;
        Assert.True(node.Disk.Durable.Snapshot.Metadata.Index > 1, "no local snapshot was taken yet");

        var durableSnapshot = node.Disk.Durable.Snapshot.Metadata.Index;
        var durableCommit = Math.Max(durableSnapshot, node.Disk.Durable.HardState.Commit);
        cluster.CrashNode(node);
        cluster.RestartNode(node);

        // It starts from the snapshot and re-applies the committed log it holds durably, no further.
        Assert.InRange(node.AppliedIndex, durableSnapshot, durableCommit);
        Assert.False(cluster.Checker.Failed);

        // Re-applying from the snapshot goes through the same entries: the checker would flag any divergence.
        var result = cluster.Run();
        Assert.True(!result.Failed, string.Join('\n', result.Violations));
        Assert.True(node.AppliedIndex > appliedBefore);
        Assert.NotEqual(chainBefore, node.Chain);
    }
}
