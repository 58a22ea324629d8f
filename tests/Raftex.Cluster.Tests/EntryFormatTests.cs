using System.Buffers.Binary;
using System.Numerics;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>The replicated entry format version on real nodes: reported, raised only through Admin, written by the leader, kept across a restart.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EntryFormatTests
{
    private const int HeaderSize = 26;
    private const int DepositPayloadSize = 28;
    private const byte DepositType = 2;

    [Fact]
    public async Task Raising_the_entry_format_to_2_is_replicated_written_by_the_leader_and_survives_a_restart()
    {
        using var cluster = new TestCluster(4, snapshotThreshold: 40, checkpointInterval: 5);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        foreach (var id in cluster.Running)
        {
            var status = (await cluster.StatusAsync(id))!;
            Assert.Equal(1u, status.EntryFormatVersion);
            Assert.Equal([1u, 2u, 3u], status.SupportedEntryFormatVersions);
        }

        var admin = cluster.Admin(leader);
        var tooNew = await admin.SetEntryFormatVersionAsync(4);
        Assert.Equal(AdminOutcome.Rejected, tooNew.Outcome);
        Assert.Contains("version 4 is not supported by this binary", tooNew.Detail, StringComparison.Ordinal);

        using var client = new ExchangeClient(cluster.ClientOptions());
        var before = await client.DepositAsync(History.Deposit(4242, 777_001, "USD", 1_000_000_000));
        Assert.Equal(Outcome.Deposited, before.Outcome);
        var orderBefore = await client.SubmitOrderAsync(Order(4242, 1));
        Assert.True(orderBefore.Outcome == Outcome.Accepted, orderBefore.ToString());

        // The leader learns what a member supports from the header of the member's first batch, the same moment it first
        // records contact with it: once every member shows a last contact, the raise must go through at once.
        await cluster.UntilAsync(
            () => cluster.StatusAsync(leader), s => s.Members.All(m => m.NodeId == (ulong)leader || m.LastContact is not null), "the leader to hear from every member");
        // A learner that never ran (so never reported its versions) blocks the raise, named; once removed it does not.
        var silent = 4L;
        Assert.True((await admin.AddLearnerAsync((ulong)silent, $"127.0.0.1:{cluster.Slot(silent).PeerPort}", string.Empty)).IsOk);
        var blocked = await admin.SetEntryFormatVersionAsync(2);
        Assert.Equal(AdminOutcome.Rejected, blocked.Outcome);
        Assert.Contains($"node {silent} has not reported its entry format versions", blocked.Detail, StringComparison.Ordinal);
        Assert.Equal(1u, (await cluster.StatusAsync(leader))!.EntryFormatVersion);
        Assert.True((await admin.RemoveMemberAsync((ulong)silent, string.Empty)).IsOk);

        var raised = (await admin.SetEntryFormatVersionAsync(2)).Unwrap();
        Assert.Equal(2u, raised.EntryFormatVersion);
        Assert.True(raised.Index > orderBefore.LogIndex, $"the raise committed at {raised.Index}, after the order at {orderBefore.LogIndex}");

        var again = (await admin.SetEntryFormatVersionAsync(2)).Unwrap();
        Assert.Equal(raised.Index, again.Index);
        var lower = await admin.SetEntryFormatVersionAsync(1);
        Assert.Equal(AdminOutcome.Rejected, lower.Outcome);
        Assert.Contains("lower than the version in force (2", lower.Detail, StringComparison.Ordinal);

        var after = await client.DepositAsync(History.Deposit(4242, 777_002, "USD", 5_000));
        Assert.Equal(Outcome.Deposited, after.Outcome);
        var orderAfter = await client.SubmitOrderAsync(Order(4242, 2));
        Assert.True(orderAfter.Outcome == Outcome.Accepted, orderAfter.ToString());
        Assert.True(orderAfter.LogIndex > raised.Index);

        var statuses = await cluster.WaitForConvergenceAsync();
        Assert.All(statuses, s => Assert.Equal(2u, s.EntryFormatVersion));
        Assert.All(statuses, s => Assert.True(s.AppliedIndex >= orderAfter.LogIndex));
        History.CheckReplicas(statuses);

        // What the leader wrote, read back from its WAL: version 1 before the raise, version 2 with a valid CRC32C after it.
        Assert.Equal(1, EntryVersionInWal(cluster.Slot(leader).DataDir, 4242, 777_001));
        Assert.Equal(2, EntryVersionInWal(cluster.Slot(leader).DataDir, 4242, 777_002));

        // Enough further writes that every node snapshots past the raise and compacts its log behind it (a node's status
        // shows the compaction point only once its snapshot is durable), so a restart cannot replay the raise entry.
        var follower = cluster.Running.First(id => id != leader);
        await Task.WhenAll(Enumerable.Range(0, 80).Select(i => client.DepositAsync(History.Deposit(4243, 900_000 + (ulong)i, "USD", 1))));
        var compacted = await cluster.UntilAsync(
            () => cluster.StatusAsync(follower), s => s.SnapshotIndex > raised.Index, $"node {follower} to snapshot and compact past the raise at {raised.Index}");

        // Restarted from its snapshot and WAL, the follower still reports version 2.
        cluster.Kill(follower);
        cluster.Start(follower);
        var restarted = await cluster.UntilAsync(
            () => cluster.StatusAsync(follower), s => s.AppliedIndex >= compacted.AppliedIndex && s.LeaderId != 0, $"node {follower} to restart and catch up");
        Assert.Equal(2u, restarted.EntryFormatVersion);
        Assert.True(restarted.SnapshotIndex > raised.Index, $"node {follower} restarted from snapshot {restarted.SnapshotIndex}, after the raise at {raised.Index}");

        // Writes after the restart give the restarted node checkpoints of its own to compare.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.DepositAsync(History.Deposit(4243, 950_000 + (ulong)i, "USD", 1))));
        var third = await client.SubmitOrderAsync(Order(4242, 3));
        Assert.True(third.Outcome == Outcome.Accepted, third.ToString());
        statuses = await cluster.WaitForConvergenceAsync();
        Assert.All(statuses, s => Assert.Equal(2u, s.EntryFormatVersion));
        Assert.All(statuses, s => Assert.True(s.AppliedIndex >= third.LogIndex));
        History.CheckReplicas(statuses);
    }

    private static SubmitOrderRequest Order(ulong account, ulong clientOrderId) => new()
    {
        Account = account, ClientOrderId = clientOrderId, Symbol = "BTC-USD", Side = OrderSide.Buy, Kind = OrderKind.Limit,
        TimeInForce = TimeInForce.Gtc, Price = 99_000 + (long)clientOrderId, Quantity = 1,
    };

    /// <summary>
    /// The format version of the deposit entry (account, transaction id) in a node's WAL: the WAL stores entry bytes as they
    /// are, so the payload is found by its account and transaction id and the envelope read back from there. A version 2
    /// entry must end with the CRC32C of everything before it.
    /// </summary>
    private static byte EntryVersionInWal(string dataDir, long account, long transactionId)
    {
        Span<byte> key = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(key, account);
        BinaryPrimitives.WriteInt64LittleEndian(key[8..], transactionId);
        var versions = new HashSet<byte>();
        // Every WAL segment; the LOCK file is held exclusively by the running node and holds no entries.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(dataDir, "wal")).Where(f => Path.GetFileName(f) != "LOCK"))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }

            for (var at = bytes.AsSpan().IndexOf(key); at >= 0;)
            {
                var start = at - HeaderSize;
                if (start >= 0 && bytes[start + 1] == DepositType)
                {
                    var version = bytes[start];
                    if (version == 2)
                    {
                        var end = start + HeaderSize + DepositPayloadSize;
                        Assert.Equal(Crc32C(bytes.AsSpan(start, end - start)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end)));
                    }

                    versions.Add(version);
                }

                var next = bytes.AsSpan(at + 1).IndexOf(key);
                at = next < 0 ? -1 : at + 1 + next;
            }
        }

        return Assert.Single(versions);
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
