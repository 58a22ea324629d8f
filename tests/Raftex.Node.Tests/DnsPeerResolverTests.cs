using System.Net;
using System.Net.Sockets;

namespace Raftex.Node.Tests;

public sealed class DnsPeerResolverTests
{
    private static Func<string, CancellationToken, Task<IPAddress[]>> Answers(params string[] ips) =>
        (_, _) => Task.FromResult(ips.Select(IPAddress.Parse).ToArray());

    [Fact]
    public async Task Ip_literals_pass_through_without_a_lookup()
    {
        var lookups = 0;
        var resolver = new DnsPeerResolver((_, _) =>
        {
            lookups++;
            return Task.FromResult(Array.Empty<IPAddress>());
        });
        Assert.Equal("10.0.0.3:7002", (await resolver.ResolveAsync("10.0.0.3:7002", CancellationToken.None)).Single().ToString());
        Assert.Equal("[fe80::1]:7002", (await resolver.ResolveAsync("[fe80::1]:7002", CancellationToken.None)).Single().ToString());
        Assert.Equal(0, lookups);
    }

    [Fact]
    public async Task Names_are_looked_up_on_every_call()
    {
        var answers = new Queue<string>(["10.0.0.1", "10.0.0.9"]);
        var asked = new List<string>();
        var resolver = new DnsPeerResolver((name, _) =>
        {
            asked.Add(name);
            return Task.FromResult(new[] { IPAddress.Parse(answers.Dequeue()) });
        });
        Assert.Equal("10.0.0.1:7002", (await resolver.ResolveAsync("raftex-1.raftex-peers.ns.svc:7002", CancellationToken.None)).Single().ToString());
        Assert.Equal("10.0.0.9:7002", (await resolver.ResolveAsync("raftex-1.raftex-peers.ns.svc:7002", CancellationToken.None)).Single().ToString());
        Assert.Equal(["raftex-1.raftex-peers.ns.svc", "raftex-1.raftex-peers.ns.svc"], asked);
    }

    [Fact]
    public async Task Ipv4_addresses_come_before_ipv6_in_answer_order()
    {
        var resolver = new DnsPeerResolver(Answers("fd00::2", "10.0.0.2", "fd00::1", "10.0.0.1"));
        var endpoints = await resolver.ResolveAsync("peer:7002", CancellationToken.None);
        Assert.Equal(["10.0.0.2:7002", "10.0.0.1:7002", "[fd00::2]:7002", "[fd00::1]:7002"], endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_fails_with_the_name_and_reason()
    {
        var resolver = new DnsPeerResolver((_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)));
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync("raftex-4.peers:7002", CancellationToken.None));
        Assert.StartsWith("cannot resolve peer name 'raftex-4.peers' through DNS: HostNotFound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_with_no_addresses_fails_precisely()
    {
        var resolver = new DnsPeerResolver(Answers());
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync("empty.peers:7002", CancellationToken.None));
        Assert.Equal("peer name 'empty.peers' resolved to no IPv4 or IPv6 address through DNS", error.Message);
    }

    [Fact]
    public async Task Localhost_resolves_through_the_real_system_resolver()
    {
        var endpoints = await new DnsPeerResolver().ResolveAsync("localhost:7002", CancellationToken.None);
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(IPAddress.IsLoopback(e.Address), e.ToString()));
        Assert.All(endpoints, e => Assert.Equal(7002, e.Port));
    }
}
