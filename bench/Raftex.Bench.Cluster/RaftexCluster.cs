using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Bench.Cluster;

/// <summary>Three raftex-node processes (Release build, fsync on, default production timeouts) on 127.0.0.1.</summary>
internal sealed class RaftexCluster : IDisposable
{
    public const int Nodes = 3;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "raftex-bench-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly (int Client, int Peer, int Admin, int Http)[] _ports = new (int, int, int, int)[Nodes + 1];
    private readonly ChildProcess?[] _processes = new ChildProcess?[Nodes + 1];
    private readonly string _binary;

    public RaftexCluster(string binary)
    {
        _binary = binary;
        for (var id = 1; id <= Nodes; id++)
        {
            _ports[id] = (LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve());
        }
    }

    public IReadOnlyList<string> ClientAddresses => [.. Enumerable.Range(1, Nodes).Select(id => $"127.0.0.1:{_ports[id].Client}")];

    public string ClientAddress(int id) => $"127.0.0.1:{_ports[id].Client}";

    public void StartAll()
    {
        for (var id = 1; id <= Nodes; id++)
        {
            Start(id);
        }
    }

    public void Start(int id)
    {
        var peers = string.Join(',', Enumerable.Range(1, Nodes).Where(p => p != id).Select(p => $"{p}=127.0.0.1:{_ports[p].Peer}"));
        _processes[id]?.Dispose();
        _processes[id] = new ChildProcess("dotnet",
        [
            _binary, "--node-id", $"{id}", "--cluster-id", "bench", "--bootstrap",
            "--client-listen", $"127.0.0.1:{_ports[id].Client}", "--peer-listen", $"127.0.0.1:{_ports[id].Peer}",
            "--admin-listen", $"127.0.0.1:{_ports[id].Admin}", "--http-listen", $"127.0.0.1:{_ports[id].Http}",
            "--data-dir", Path.Combine(_root, $"node{id}"), "--peers", peers,
            "--heartbeat-ms", "100", "--election-ms", "1000", "--snapshot-threshold", "200000",
        ]);
    }

    public void Kill(int id) => _processes[id]?.Kill();

    /// <summary>Mean of the leader-side histograms worth printing beside the client figures (from /metrics).</summary>
    public async Task<string> LeaderMetricsAsync(int id)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{_ports[id].Http}/metrics")).ConfigureAwait(false);
        var parts = new List<string>();
        foreach (var name in new[] { "raftex_wal_fsync_seconds", "raftex_wal_append_seconds", "raftex_order_latency_seconds" })
        {
            double Value(string suffix) => text.Split('\n').Where(l => l.StartsWith(name + suffix, StringComparison.Ordinal))
                .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var count = Value("_count");
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} n={count:F0} mean={(count > 0 ? Value("_sum") / count * 1000 : 0):F3}ms"));
        }

        return string.Join(", ", parts);
    }

    public async Task<NodeStatus?> StatusAsync(int id)
    {
        using var admin = AdminClient.Connect(new Uri($"http://127.0.0.1:{_ports[id].Admin}"), TimeSpan.FromSeconds(2));
        var r = await admin.GetStatusAsync().ConfigureAwait(false);
        return r.IsOk ? r.Value : null;
    }

    /// <summary>The leader every running node agrees on, waiting up to <paramref name="within"/>.</summary>
    public async Task<int> LeaderAsync(TimeSpan within, int except = 0)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            for (var id = 1; id <= Nodes; id++)
            {
                if (id != except && _processes[id] is { HasExited: false } && await StatusAsync(id).ConfigureAwait(false) is { Role: Role.Leader } s)
                {
                    return (int)s.NodeId;
                }
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException("no leader: " + string.Join("\n", _processes.Where(p => p is not null).Select(p => p!.Tail)));
    }

    /// <summary>Highest term any running node reports (each election bumps it).</summary>
    public async Task<ulong> TermAsync()
    {
        ulong term = 0;
        for (var id = 1; id <= Nodes; id++)
        {
            if (_processes[id] is { HasExited: false } && await StatusAsync(id).ConfigureAwait(false) is { } s)
            {
                term = Math.Max(term, s.Term);
            }
        }

        return term;
    }

    public async Task WaitCaughtUpAsync(int id, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var leader = await LeaderAsync(within).ConfigureAwait(false);
            var l = await StatusAsync(leader).ConfigureAwait(false);
            var n = await StatusAsync(id).ConfigureAwait(false);
            if (l is not null && n is not null && n.LeaderId == l.NodeId && n.AppliedIndex + 1000 >= l.CommitIndex)
            {
                return;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"node {id} did not catch up");
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p?.Dispose();
        }

        Array.Clear(_processes);

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory is reclaimed by the OS otherwise.
        }
    }
}
