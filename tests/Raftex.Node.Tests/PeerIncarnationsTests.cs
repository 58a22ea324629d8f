namespace Raftex.Node.Tests;

public sealed class PeerIncarnationsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("raftex-incarnations-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_first_incarnation_heard_is_pinned_and_another_is_refused_also_after_a_restart()
    {
        var pins = new PeerIncarnations(_directory);
        Assert.True(pins.Accept(2, "aaaa"));
        Assert.True(pins.Accept(2, "aaaa"));
        Assert.False(pins.Accept(2, "bbbb"));

        var reloaded = new PeerIncarnations(_directory);
        Assert.Equal("aaaa", reloaded.Get(2));
        Assert.False(reloaded.Accept(2, "bbbb"));
    }

    [Fact]
    public void An_incarnation_the_leader_vouches_for_is_adopted_only_where_none_is_pinned()
    {
        var pins = new PeerIncarnations(_directory);
        Assert.True(pins.Accept(2, "aaaa"));
        pins.Adopt(2, "bbbb");
        pins.Adopt(3, "cccc");
        Assert.Equal("aaaa", pins.Get(2));
        Assert.Equal("cccc", pins.Get(3));

        // Adopted before the peer itself was heard from: a wiped node's new incarnation is then refused.
        Assert.False(pins.Accept(3, "dddd"));
        Assert.Equal("cccc", new PeerIncarnations(_directory).Get(3));
    }

    [Fact]
    public void A_removed_member_is_forgotten_so_its_new_incarnation_can_be_adopted()
    {
        var pins = new PeerIncarnations(_directory);
        pins.Adopt(3, "cccc");
        pins.Set(3, null);
        pins.Adopt(3, "dddd");
        Assert.True(pins.Accept(3, "dddd"));
    }

    [Fact]
    public void A_pin_that_cannot_be_written_to_a_full_disk_is_not_trusted_and_leaves_no_temp_file()
    {
        using var disk = Raftex.Testing.Tmpfs.Mount(1024 * 1024);
        var pins = new PeerIncarnations(disk.Path);
        Assert.True(pins.Accept(2, "aaaa"));
        Assert.True(pins.Accept(5, "eeee"));
        var filler = disk.Fill(leaveFree: 0);

        var full = Assert.ThrowsAny<IOException>(() => pins.Accept(3, "cccc"));
        Assert.True(Raftex.Raft.Storage.DiskFull.IsCause(full), full.ToString());
        Assert.Null(pins.Get(3));
        Assert.Throws<IOException>(() => pins.Adopt(4, "dddd"));
        Assert.Null(pins.Get(4));
        Assert.False(File.Exists(Path.Combine(disk.Path, "peers.tmp")));

        // A removal is in force at once even when the file cannot follow yet.
        Assert.ThrowsAny<IOException>(() => pins.Set(2, null));
        Assert.Null(pins.Get(2));

        File.Delete(filler);
        Assert.True(pins.Accept(3, "cccc"));
        var reloaded = new PeerIncarnations(disk.Path);
        Assert.Equal("cccc", reloaded.Get(3));
        Assert.Equal("eeee", reloaded.Get(5));
        Assert.Null(reloaded.Get(2));
    }
}
