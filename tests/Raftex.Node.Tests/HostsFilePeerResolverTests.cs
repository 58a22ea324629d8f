using System.Net;

namespace Raftex.Node.Tests;

public sealed class HostsFilePeerResolverTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "raftex-hosts-" + Guid.NewGuid().ToString("N"));
    private readonly RecordingResolver _dns = new();

    public HostsFilePeerResolverTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string HostsPath => Path.Combine(_dir, "hosts");

    private HostsFilePeerResolver Resolver(params string[] lines)
    {
        File.WriteAllLines(HostsPath, lines);
        return new HostsFilePeerResolver(HostsPath, _dns);
    }

    private static async Task<string> One(IPeerResolver resolver, string address) =>
        (await resolver.ResolveAsync(address, CancellationToken.None)).First().ToString();

    [Fact]
    public async Task A_name_in_the_file_resolves_to_its_ip_with_the_peer_port()
    {
        var resolver = Resolver("n1.raftex.test 127.0.0.1", "n2.raftex.test 10.0.0.2  # second node");
        Assert.Equal("10.0.0.2:7002", await One(resolver, "n2.raftex.test:7002"));
        Assert.Equal("127.0.0.1:9000", await One(resolver, "n1.raftex.test:9000"));
        Assert.Empty(_dns.Asked);
    }

    [Fact]
    public async Task Etc_hosts_order_with_aliases_is_understood_too()
    {
        var resolver = Resolver("# comment line", "", "10.1.2.3   raftex-0.peers raftex-0.peers.ns.svc.cluster.local.");
        Assert.Equal("10.1.2.3:7002", await One(resolver, "raftex-0.peers:7002"));
        Assert.Equal("10.1.2.3:7002", await One(resolver, "RAFTEX-0.peers.ns.svc.cluster.local:7002"));
    }

    [Fact]
    public async Task Several_lines_for_one_name_give_ipv4_before_ipv6()
    {
        var resolver = Resolver("n1 ::1", "n1 127.0.0.5");
        var endpoints = await resolver.ResolveAsync("n1:7002", CancellationToken.None);
        Assert.Equal(["127.0.0.5:7002", "[::1]:7002"], endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public async Task An_edit_between_calls_is_seen_at_the_next_resolve()
    {
        var resolver = Resolver("n1.raftex.test 127.0.0.1");
        Assert.Equal("127.0.0.1:7002", await One(resolver, "n1.raftex.test:7002"));
        // Same length, same second: the file is read again regardless of its timestamp.
        File.WriteAllLines(HostsPath, ["n1.raftex.test 127.0.0.2"]);
        Assert.Equal("127.0.0.2:7002", await One(resolver, "n1.raftex.test:7002"));
    }

    [Fact]
    public async Task Ip_literals_pass_through_without_reading_the_file()
    {
        var resolver = new HostsFilePeerResolver(Path.Combine(_dir, "absent"), _dns);
        Assert.Equal("10.0.0.7:7002", await One(resolver, "10.0.0.7:7002"));
        Assert.Equal("[::1]:7002", await One(resolver, "[::1]:7002"));
        Assert.Empty(_dns.Asked);
    }

    [Fact]
    public async Task A_name_not_in_the_file_falls_back_to_the_next_resolver()
    {
        var resolver = Resolver("n1 127.0.0.1");
        _dns.Answer = [new IPEndPoint(IPAddress.Parse("192.0.2.9"), 7002)];
        Assert.Equal("192.0.2.9:7002", await One(resolver, "elsewhere.example:7002"));
        Assert.Equal(["elsewhere.example:7002"], _dns.Asked);
    }

    [Fact]
    public async Task A_name_the_fallback_cannot_resolve_fails_with_the_fallbacks_reason()
    {
        var resolver = Resolver("n1 127.0.0.1");
        _dns.Failure = "cannot resolve peer name 'nowhere' through DNS: HostNotFound";
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync("nowhere:7002", CancellationToken.None));
        Assert.Equal(_dns.Failure, error.Message);
    }

    [Fact]
    public async Task A_missing_file_is_named_in_the_error()
    {
        var path = Path.Combine(_dir, "nope", "hosts");
        var resolver = new HostsFilePeerResolver(path, _dns);
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync("n1:7002", CancellationToken.None));
        Assert.Equal($"peer hosts file '{path}' does not exist", error.Message);
        Assert.Empty(_dns.Asked);
    }

    [Theory]
    [InlineData("n1", "line 2: expected 'name ip'")]
    [InlineData("n1 n2", "line 2: no IP address")]
    [InlineData("127.0.0.1 10.0.0.1 n1", "line 2: more than one IP address")]
    [InlineData("n1 10.0.0", "line 2: no IP address")]
    [InlineData("n!1 10.0.0.1", "line 2: 'n!1' is neither an IP address nor a host name")]
    [InlineData("n1 10.0.0.1:7002", "line 2: '10.0.0.1:7002' is neither")]
    public async Task A_garbled_line_fails_with_the_file_line_and_reason(string garbled, string expected)
    {
        var resolver = Resolver("ok 127.0.0.1", garbled);
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync("ok:7002", CancellationToken.None));
        Assert.Contains($"peer hosts file '{HostsPath}' {expected}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got '{garbled}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_repaired_after_a_garbled_edit_resolves_again()
    {
        var resolver = Resolver("n1 127.0.0.1 127.0.0.2");
        await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync("n1:7002", CancellationToken.None));
        File.WriteAllLines(HostsPath, ["n1 127.0.0.2"]);
        Assert.Equal("127.0.0.2:7002", await One(resolver, "n1:7002"));
    }

    [Theory]
    [InlineData("n1")]
    [InlineData("n1:0")]
    [InlineData("n1:70000")]
    [InlineData(":7002")]
    [InlineData("n1:port")]
    public async Task A_malformed_peer_address_is_refused_precisely(string address)
    {
        var resolver = Resolver("n1 127.0.0.1");
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => resolver.ResolveAsync(address, CancellationToken.None));
        Assert.Contains($"'{address}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_refuses_a_missing_hosts_file_and_accepts_none()
    {
        var missing = Path.Combine(_dir, "missing");
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => PeerResolvers.CreateAsync(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.IsType<DnsPeerResolver>(await PeerResolvers.CreateAsync(null));
        File.WriteAllLines(HostsPath, ["n1 127.0.0.1"]);
        Assert.IsType<HostsFilePeerResolver>(await PeerResolvers.CreateAsync(HostsPath));
    }

    [Fact]
    public async Task Startup_refuses_a_garbled_hosts_file_naming_the_line()
    {
        File.WriteAllLines(HostsPath, ["n1 127.0.0.1", "n2"]);
        var error = await Assert.ThrowsAsync<PeerResolutionException>(() => PeerResolvers.CreateAsync(HostsPath));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hosts_file_option_and_its_environment_variable_are_parsed()
    {
        var fromArgs = NodeOptions.Parse(["--node-id", "1", "--peer-hosts-file", "/etc/raftex/hosts"], _ => null);
        Assert.Equal("/etc/raftex/hosts", fromArgs.PeerHostsFile);
        var fromEnv = NodeOptions.Parse(["--node-id", "1"], name => name == "RAFTEX_PEER_HOSTS_FILE" ? "/tmp/h" : null);
        Assert.Equal("/tmp/h", fromEnv.PeerHostsFile);
        Assert.Null(NodeOptions.Parse(["--node-id", "1"], _ => null).PeerHostsFile);
        var empty = Assert.Throws<ArgumentException>(() => NodeOptions.Parse(["--node-id", "1", "--peer-hosts-file", " "], _ => null));
        Assert.Contains("--peer-hosts-file", empty.Message, StringComparison.Ordinal);
    }
}
