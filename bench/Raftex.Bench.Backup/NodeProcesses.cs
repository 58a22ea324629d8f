using System.Diagnostics;
using System.Text;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Bench.Backup;

/// <summary>
/// raftex-node processes on 127.0.0.1 (Release build, fsync on, production timeouts) in a temporary directory, killed and
/// removed on dispose: the three members of the loaded cluster and the restored nodes.
/// </summary>
internal sealed class NodeProcesses : IDisposable
{
    public const string ClusterId = "bench-backup";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "raftex-bench-backup-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<int, Node> _nodes = [];
    private readonly string _binary = NodeBinary.Path;

    public string Binary => _binary;

    /// <summary>Starts members 1..3 of a new cluster. No automatic snapshot falls in the measured windows: only backups take one.</summary>
    public void StartCluster()
    {
        foreach (var id in new[] { 1, 2, 3 })
        {
            _nodes[id] = new Node(id, LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve());
        }

        foreach (var id in new[] { 1, 2, 3 })
        {
            var peers = string.Join(',', _nodes.Keys.Where(p => p != id).Select(p => $"{p}=127.0.0.1:{_nodes[p].Peer}"));
            Start(_nodes[id], ClusterId, ["--peers", peers], environment: null);
        }
    }

    /// <summary>Starts a single-voter cluster bootstrapped from a backup; the S3 credentials go in its environment.</summary>
    public Node StartRestored(int id, string store, string backup, IReadOnlyDictionary<string, string>? environment)
    {
        var node = new Node(id, LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve());
        _nodes[id] = node;
        Start(node, $"{ClusterId}-restored-{id}", ["--restore-store", store, "--restore-backup", backup], environment);
        return node;
    }

    public Node this[int id] => _nodes[id];

    public IReadOnlyList<string> ClientAddresses(params int[] ids) => [.. ids.Select(id => $"127.0.0.1:{_nodes[id].Client}")];

    public async Task<NodeStatus?> StatusAsync(int id)
    {
        using var admin = AdminClient.Connect(new Uri($"http://127.0.0.1:{_nodes[id].Admin}"), TimeSpan.FromSeconds(5));
        var result = await admin.GetStatusAsync().ConfigureAwait(false);
        return result.IsOk ? result.Value : null;
    }

    /// <summary>Count and sum of a histogram on node <paramref name="id"/>'s /metrics (e.g. the WAL fsync time).</summary>
    public async Task<(double Count, double Sum)> HistogramAsync(int id, string name)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{_nodes[id].Http}/metrics")).ConfigureAwait(false);
        double Value(string suffix) => text.Split('\n').Where(l => l.StartsWith(name + suffix, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Value("_count"), Value("_sum"));
    }

    /// <summary>The generated Admin client of one node, for <c>BackupWriter</c> (snapshots of 100 MB and more stream in 1 MiB chunks).</summary>
    public Admin.AdminClient AdminStub(int id) => new(_nodes[id].Channel ??= GrpcChannel.ForAddress($"http://127.0.0.1:{_nodes[id].Admin}"));

    /// <summary>The leader and a follower once all three members agree on a leader.</summary>
    public async Task<(int Leader, int Follower)> LeaderAndFollowerAsync(TimeSpan within)
    {
        var leader = 0;
        await Poll.UntilAsync(async () =>
        {
            var statuses = await Task.WhenAll(_nodes.Keys.Where(k => k <= 3).Select(StatusAsync)).ConfigureAwait(false);
            leader = statuses.All(s => s is { LeaderId: > 0 }) && statuses.Select(s => s!.LeaderId).Distinct().Count() == 1 ? (int)statuses[0]!.LeaderId : 0;
            return leader > 0;
        }, "the three members agree on a leader", within).ConfigureAwait(false);
        return (leader, new[] { 1, 2, 3 }.First(id => id != leader));
    }

    /// <summary>Waits until node <paramref name="id"/> reports ready with <paramref name="index"/> applied.</summary>
    public Task WaitReadyAsync(int id, long index, TimeSpan within) =>
        Poll.UntilAsync(async () =>
        {
            if (_nodes[id].Process.HasExited)
            {
                throw new InvalidOperationException($"node {id} exited with {_nodes[id].Process.ExitCode}: {_nodes[id].Tail}");
            }

            return await StatusAsync(id).ConfigureAwait(false) is { Ready: true } s && (long)s.AppliedIndex >= index;
        }, $"node {id} is ready at index {index}", within);

    public void Stop(int id)
    {
        if (_nodes.Remove(id, out var node))
        {
            node.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes.Values)
        {
            node.Dispose();
        }

        _nodes.Clear();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Start(Node node, string clusterId, IEnumerable<string> extra, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (IEnumerable<string>)
        [
            _binary, "--node-id", $"{node.Id}", "--cluster-id", clusterId, "--bootstrap",
            "--client-listen", $"127.0.0.1:{node.Client}", "--peer-listen", $"127.0.0.1:{node.Peer}",
            "--admin-listen", $"127.0.0.1:{node.Admin}", "--http-listen", $"127.0.0.1:{node.Http}",
            "--data-dir", Path.Combine(_root, $"node{node.Id}"), "--heartbeat-ms", "100", "--election-ms", "1000",
            "--snapshot-threshold", "100000000", .. extra,
        ])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        node.Process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {_binary}");
        node.Process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node.Process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node.Process.BeginOutputReadLine();
        node.Process.BeginErrorReadLine();
    }

    /// <summary>One node's ports and process, with the tail of its output for failures.</summary>
    internal sealed class Node(int id, int client, int peer, int admin, int http) : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly List<(long At, string Line)> _lines = [];

        public int Id => id;

        public int Client => client;

        public int Peer => peer;

        public int Admin => admin;

        public int Http => http;

        public Process Process { get; set; } = null!;

        public GrpcChannel? Channel { get; set; }

        public string Tail
        {
            get
            {
                lock (_output)
                {
                    var s = _output.ToString();
                    return s.Length > 3000 ? s[^3000..] : s;
                }
            }
        }

        public void Append(string? line)
        {
            if (line is not null)
            {
                var at = Stopwatch.GetTimestamp();
                lock (_output)
                {
                    _output.AppendLine(line);
                    _lines.Add((at, line));
                }
            }
        }

        /// <summary>When the node first printed a line holding <paramref name="text"/> (a Stopwatch timestamp), or null.</summary>
        public long? FirstLineAt(string text)
        {
            lock (_output)
            {
                foreach (var (at, line) in _lines)
                {
                    if (line.Contains(text, StringComparison.Ordinal))
                    {
                        return at;
                    }
                }

                return null;
            }
        }

        public void Dispose()
        {
            Channel?.Dispose();
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
