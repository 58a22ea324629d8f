using Raftex.Raft;

namespace Raftex.Simulation.Tests;

/// <summary>The simulated disk keeps exactly what was fsynced across a crash.</summary>
public sealed class SimDiskTests
{
    private static Entry[] Entries(long from, long to, long term) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new Entry(i, term, EntryType.Normal, new byte[] { (byte)i, (byte)term }))];

    private static SimDisk Bootstrapped()
    {
        var disk = new SimDisk();
        disk.Write(MemoryStorage.Bootstrap([1, 2, 3]).Snapshot(), [], new HardState(1, 0, 1));
        disk.Sync();
        return disk;
    }

    [Fact]
    public void A_crash_loses_exactly_the_unsynced_tail()
    {
        var disk = Bootstrapped();
        disk.Write(null, Entries(2, 5, 1), new HardState(1, 1, 4));
        disk.Sync();
        disk.Write(null, Entries(6, 9, 1), new HardState(1, 1, 7));
        Assert.Equal(9, disk.Written.LastIndex);
        Assert.Equal(5, disk.PendingWrites);

        disk.Crash();

        Assert.Equal(5, disk.Durable.LastIndex);
        Assert.Equal(5, disk.Written.LastIndex);
        Assert.Equal(new HardState(1, 1, 4), disk.Durable.HardState);
        Assert.Equal(Entries(2, 5, 1).Select(e => (e.Index, e.Term)), disk.Durable.Entries.Select(e => (e.Index, e.Term)));
        Assert.Equal(0, disk.PendingWrites);
    }

    [Fact]
    public void An_unsynced_truncation_is_undone_by_a_crash()
    {
        var disk = Bootstrapped();
        disk.Write(null, Entries(2, 6, 1), new HardState(1, 1, 3));
        disk.Sync();

        // A new leader's entries replace 4..6 in memory and on the written image, but are never fsynced.
        disk.Write(null, Entries(4, 4, 2), new HardState(2, 2, 3));
        Assert.Equal(4, disk.Written.LastIndex);
        Assert.Equal(2, disk.Written.TermAt(4));
        disk.Crash();

        Assert.Equal(6, disk.Durable.LastIndex);
        Assert.Equal(1, disk.Durable.TermAt(4));
        Assert.Equal(1, disk.Durable.HardState.Term);
    }

    [Fact]
    public void Synced_writes_survive_any_number_of_crashes()
    {
        var disk = Bootstrapped();
        disk.Write(null, Entries(2, 3, 1), new HardState(1, 1, 3));
        disk.Sync();

        disk.Crash();
        disk.Crash();

        Assert.Equal(3, disk.Durable.LastIndex);
        Assert.Equal(1, disk.Syncs - 1);
    }

    [Fact]
    public void A_local_snapshot_is_durable_at_once_and_drops_the_log_it_covers()
    {
        var disk = Bootstrapped();
        disk.Write(null, Entries(2, 8, 1), new HardState(1, 1, 8));
        disk.Sync();
        var snapshot = new Snapshot(new SnapshotMetadata(6, 1, new ConfState([1, 2, 3], [])), new byte[] { 1 });

        disk.SaveSnapshot(snapshot);
        disk.Crash();

        Assert.Equal(6, disk.Durable.Snapshot.Metadata.Index);
        Assert.Equal(7, disk.Durable.FirstIndex);
        Assert.Equal(8, disk.Durable.LastIndex);
        Assert.Null(disk.Durable.EntryAt(5));
    }

    [Fact]
    public void An_unsynced_received_snapshot_is_lost_by_a_crash()
    {
        var disk = Bootstrapped();
        var snapshot = new Snapshot(new SnapshotMetadata(40, 3, new ConfState([1, 2, 3], [])), new byte[] { 1 });

        disk.Write(snapshot, [], new HardState(3, 0, 40));
        Assert.Equal(40, disk.Written.Snapshot.Metadata.Index);
        disk.Crash();

        Assert.Equal(1, disk.Durable.Snapshot.Metadata.Index);
        Assert.Equal(1, disk.Written.Snapshot.Metadata.Index);
    }

    [Fact]
    public void A_torn_crash_keeps_a_prefix_of_the_unsynced_records_in_write_order()
    {
        var disk = Bootstrapped();
        disk.Write(null, Entries(2, 3, 1), new HardState(1, 1, 3));
        disk.Sync();

        // Entries 4..7 then the hard state: the crash tears the write after the second entry record.
        disk.Write(null, Entries(4, 7, 2), new HardState(2, 2, 3));
        disk.Crash(2);

        Assert.Equal(5, disk.Durable.LastIndex);
        Assert.Equal(2, disk.Durable.TermAt(5));
        Assert.Equal(new HardState(1, 1, 3), disk.Durable.HardState);
        Assert.Equal(5, disk.Written.LastIndex);
        Assert.Equal(0, disk.PendingWrites);
    }
}
