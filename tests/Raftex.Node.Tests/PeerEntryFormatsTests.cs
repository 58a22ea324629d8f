namespace Raftex.Node.Tests;

public sealed class PeerEntryFormatsTests
{
    [Fact]
    public void This_binary_reports_versions_1_to_3()
    {
        Assert.Equal([1u, 2u, 3u], PeerEntryFormats.Local);
    }

    [Fact]
    public void A_raise_is_blocked_by_members_that_never_reported_or_lack_the_version_naming_each()
    {
        var formats = new PeerEntryFormats();
        formats.Record(2, [1, 2]);
        formats.Record(3, [1]);
        var missing = formats.MissingSupport(2, [4, 3, 2]);
        Assert.NotNull(missing);
        Assert.Equal("node 3 supports only [1]; node 4 has not reported its entry format versions yet", missing);
        Assert.Null(formats.MissingSupport(1, [2, 3]));

        // The previous build reports [1, 2]: with it still a member, nothing raises the format to 3 (compact snapshots).
        Assert.Equal("node 2 supports only [1, 2]", formats.MissingSupport(3, [2]));
    }

    [Fact]
    public void A_peer_that_sends_no_versions_is_an_older_binary_applying_only_version_1()
    {
        var formats = new PeerEntryFormats();
        formats.Record(2, []);
        Assert.Equal([1u], formats.Get(2));
        Assert.NotNull(formats.MissingSupport(2, [2]));
    }

    [Fact]
    public void A_restarted_peer_with_a_new_binary_replaces_what_it_reported_before()
    {
        var formats = new PeerEntryFormats();
        formats.Record(2, [1]);
        Assert.NotNull(formats.MissingSupport(2, [2]));
        formats.Record(2, [2, 1]);
        Assert.Equal([1u, 2u], formats.Get(2));
        Assert.Null(formats.MissingSupport(2, [2]));
        Assert.Null(formats.Get(9));
    }
}
