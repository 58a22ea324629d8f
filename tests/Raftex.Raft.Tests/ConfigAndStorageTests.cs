namespace Raftex.Raft.Tests;

public sealed class ConfigAndStorageTests
{
    private static RaftConfig Valid() => new() { NodeId = 1, Storage = new MemoryStorage(), Random = new Random(1) };

    [Fact]
    public void Config_rejects_a_node_id_that_is_not_positive()
    {
        var config = new RaftConfig { NodeId = 0, Storage = new MemoryStorage(), Random = new Random(1) };
        var ex = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal("NodeId", ex.ParamName);
        Assert.Contains("got 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_rejects_an_election_timeout_not_above_the_heartbeat()
    {
        var config = new RaftConfig { NodeId = 1, ElectionTicks = 2, HeartbeatTicks = 2, Storage = new MemoryStorage(), Random = new Random(1) };
        var ex = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal("ElectionTicks", ex.ParamName);
    }

    [Fact]
    public void Config_requires_storage_and_a_seeded_random()
    {
        Assert.Equal("Storage", Assert.Throws<ArgumentException>(new RaftConfig { NodeId = 1, Random = new Random(1) }.Validate).ParamName);
        Assert.Equal("Random", Assert.Throws<ArgumentException>(new RaftConfig { NodeId = 1, Storage = new MemoryStorage() }.Validate).ParamName);
        Valid().Validate();
    }

    [Fact]
    public void Config_rejects_non_positive_sizes()
    {
        Assert.Equal("MaxSizePerMessage", Assert.Throws<ArgumentException>(
            new RaftConfig { NodeId = 1, MaxSizePerMessage = 0, Storage = new MemoryStorage(), Random = new Random(1) }.Validate).ParamName);
        Assert.Equal("MaxInflightMessages", Assert.Throws<ArgumentException>(
            new RaftConfig { NodeId = 1, MaxInflightMessages = 0, Storage = new MemoryStorage(), Random = new Random(1) }.Validate).ParamName);
        Assert.Equal("SnapshotChunkBytes", Assert.Throws<ArgumentException>(
            new RaftConfig { NodeId = 1, SnapshotChunkBytes = -1, Storage = new MemoryStorage(), Random = new Random(1) }.Validate).ParamName);
    }

    [Fact]
    public void Node_constructor_validates_its_config()
    {
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { NodeId = -3, Storage = new MemoryStorage(), Random = new Random(1) }));
    }

    [Fact]
    public void Storage_append_replaces_a_conflicting_suffix()
    {
        var s = new MemoryStorage();
        s.Append([RawNode.E(1, 1), RawNode.E(2, 1), RawNode.E(3, 1)]);
        s.Append([RawNode.E(2, 2)]);
        Assert.Equal(2, s.LastIndex());
        Assert.Equal(2, s.Term(2));
        Assert.Equal(1, s.Term(1));
    }

    [Fact]
    public void Storage_append_refuses_a_gap()
    {
        var s = new MemoryStorage();
        s.Append([RawNode.E(1, 1)]);
        Assert.Throws<ArgumentException>(() => s.Append([RawNode.E(3, 1)]));
    }

    [Fact]
    public void Storage_entries_respect_max_bytes_but_return_at_least_one()
    {
        var s = new MemoryStorage();
        s.Append([RawNode.E(1, 1, "aaaa"), RawNode.E(2, 1, "bbbb"), RawNode.E(3, 1, "cccc")]);
        Assert.Single(s.Entries(1, 4, 1));
        Assert.Equal(2, s.Entries(1, 4, 2 * RawNode.E(1, 1, "aaaa").Size).Count);
        Assert.Equal(3, s.Entries(1, 4, long.MaxValue).Count);
    }

    [Fact]
    public void Storage_compaction_keeps_the_term_of_the_snapshot_point_only()
    {
        var s = new MemoryStorage();
        s.Append([RawNode.E(1, 1), RawNode.E(2, 2), RawNode.E(3, 3)]);
        s.SetHardState(new HardState(3, 0, 3));
        s.CreateSnapshot(2, new ConfState([1], []), new byte[] { 7 });
        s.Compact(2);
        Assert.Equal(3, s.FirstIndex());
        Assert.Equal(2, s.Term(2));
        Assert.Throws<LogCompactedException>(() => s.Term(1));
        Assert.Throws<LogCompactedException>(() => s.Entries(2, 4, long.MaxValue));
        Assert.Throws<LogUnavailableException>(() => s.Term(4));
    }

    [Fact]
    public void Storage_refuses_to_compact_beyond_its_snapshot()
    {
        var s = new MemoryStorage();
        s.Append([RawNode.E(1, 1), RawNode.E(2, 1)]);
        var ex = Assert.Throws<ArgumentException>(() => s.Compact(2));
        Assert.Contains("beyond the snapshot", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_refuses_a_snapshot_beyond_commit()
    {
        var s = new MemoryStorage();
        s.Append([RawNode.E(1, 1), RawNode.E(2, 1)]);
        s.SetHardState(new HardState(1, 0, 1));
        Assert.Throws<ArgumentException>(() => s.CreateSnapshot(2, new ConfState([1], []), ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void Bootstrap_gives_every_member_the_same_membership_snapshot()
    {
        var s = MemoryStorage.Bootstrap([1, 2, 3], [4]);
        var (hs, cs) = s.InitialState();
        Assert.Equal([1L, 2, 3], cs.Voters);
        Assert.Equal([4L], cs.Learners);
        Assert.Equal(1, hs.Commit);
        Assert.Equal(1, s.Snapshot().Metadata.Index);
        Assert.Equal(2, s.FirstIndex());
        Assert.Throws<ArgumentException>(() => MemoryStorage.Bootstrap([]));
        Assert.Throws<ArgumentException>(() => MemoryStorage.Bootstrap([1, 2], [2]));
    }

    [Fact]
    public void Restart_rejects_a_stored_commit_beyond_the_log()
    {
        var s = MemoryStorage.Bootstrap([1]);
        s.SetHardState(new HardState(1, 0, 5));
        var ex = Assert.Throws<InvalidOperationException>(() => new RaftNode(new NodeOptions().ToConfig(1, s, 1)));
        Assert.Contains("commit 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inflights_window_fills_and_frees_in_order()
    {
        var inflights = new Inflights(3);
        inflights.Add(10);
        inflights.Add(20);
        inflights.Add(30);
        Assert.True(inflights.Full);
        Assert.Throws<InvalidOperationException>(() => inflights.Add(40));
        inflights.FreeLE(20);
        Assert.Equal(1, inflights.Count);
        inflights.Add(40);
        inflights.Add(50);
        Assert.True(inflights.Full);
        inflights.FreeLE(100);
        Assert.Equal(0, inflights.Count);
    }

    [Fact]
    public void ConfChange_round_trips_and_rejects_garbage()
    {
        var cc = new ConfChange(ConfChangeType.PromoteLearner, 42);
        Assert.Equal(cc, ConfChange.Decode(cc.Encode()));
        Assert.Throws<FormatException>(() => ConfChange.Decode(new byte[3]));
    }
}
