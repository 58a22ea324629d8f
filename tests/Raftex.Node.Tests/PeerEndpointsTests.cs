using System.Net;

namespace Raftex.Node.Tests;

public sealed class PeerEndpointsTests
{
    private readonly RecordingResolver _resolver = new();
    private readonly RecordingLogger _log = new();

    private PeerEndpoints Endpoints() => new(_resolver, _log);

    [Fact]
    public async Task The_uri_holds_the_resolved_ip_not_the_name()
    {
        _resolver.Answer = [new IPEndPoint(IPAddress.Parse("127.0.0.9"), 7002), new IPEndPoint(IPAddress.IPv6Loopback, 7002)];
        var uri = await Endpoints().ResolveAsync(2, "n2.raftex.test:7002", CancellationToken.None);
        Assert.Equal(new Uri("http://127.0.0.9:7002"), uri);
    }

    [Fact]
    public async Task A_failure_is_logged_once_per_distinct_reason_while_it_lasts()
    {
        var endpoints = Endpoints();
        _resolver.Failure = "cannot resolve peer name 'n2' through DNS: HostNotFound";
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<PeerResolutionException>(() => endpoints.ResolveAsync(2, "n2:7002", CancellationToken.None));
        }

        Assert.Single(_log.Warnings);
        _resolver.Failure = "peer hosts file '/h' line 3: no IP address, got 'n2'";
        await Assert.ThrowsAsync<PeerResolutionException>(() => endpoints.ResolveAsync(2, "n2:7002", CancellationToken.None));
        await Assert.ThrowsAsync<PeerResolutionException>(() => endpoints.ResolveAsync(2, "n2:7002", CancellationToken.None));
        Assert.Equal(2, _log.Warnings.Count);
        Assert.Contains("line 3", _log.Warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_that_moves_to_a_new_ip_is_logged_with_both()
    {
        var endpoints = Endpoints();
        _resolver.Answer = [new IPEndPoint(IPAddress.Parse("127.0.0.1"), 7002)];
        await endpoints.ResolveAsync(2, "n2:7002", CancellationToken.None);
        await endpoints.ResolveAsync(2, "n2:7002", CancellationToken.None);
        Assert.Single(_log.Infos);
        _resolver.Answer = [new IPEndPoint(IPAddress.Parse("127.0.0.2"), 7002)];
        Assert.Equal(new Uri("http://127.0.0.2:7002"), await endpoints.ResolveAsync(2, "n2:7002", CancellationToken.None));
        Assert.Equal(2, _log.Infos.Count);
        Assert.Contains("127.0.0.2:7002", _log.Infos[1], StringComparison.Ordinal);
        Assert.Contains("was 127.0.0.1:7002", _log.Infos[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolver_answering_nothing_is_a_resolution_failure()
    {
        _resolver.Answer = [];
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => Endpoints().ResolveAsync(3, "n3:7002", CancellationToken.None));
        Assert.Contains("'n3:7002'", error.Message, StringComparison.Ordinal);
    }
}
