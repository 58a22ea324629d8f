using System.Diagnostics;

namespace Raftex.Bench.Cluster;

/// <summary>A 3-member etcd cluster (Debian's etcd-server, its default timeouts and fsync) on 127.0.0.1.</summary>
internal sealed class EtcdCluster : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "raftex-etcd-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<ChildProcess> _members = [];
    private readonly int[] _client = [LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve()];
    private readonly int[] _peer = [LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve()];

    public IReadOnlyList<string> ClientUrls => [.. _client.Select(p => $"http://127.0.0.1:{p}")];

    /// <summary>Finds etcd, installing Debian's etcd-server (after apt-get update) when it is missing.</summary>
    public static string? Ensure()
    {
        var found = Which("etcd");
        if (found is not null)
        {
            return found;
        }

        Console.WriteLine("etcd not found: installing Debian's etcd-server (apt-get update; apt-get install -y etcd-server)");
        Run("apt-get", "update");
        Run("apt-get", "install", "-y", "etcd-server");
        return Which("etcd");
    }

    public void Start(string etcd)
    {
        var initial = string.Join(',', Enumerable.Range(0, 3).Select(i => $"e{i}=http://127.0.0.1:{_peer[i]}"));
        for (var i = 0; i < 3; i++)
        {
            _members.Add(new ChildProcess(etcd,
            [
                "--name", $"e{i}", "--data-dir", Path.Combine(_root, $"e{i}"),
                "--listen-client-urls", $"http://127.0.0.1:{_client[i]}", "--advertise-client-urls", $"http://127.0.0.1:{_client[i]}",
                "--listen-peer-urls", $"http://127.0.0.1:{_peer[i]}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{_peer[i]}",
                "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", "raftex-bench",
                "--log-level", "warn",
            ]));
        }
    }

    public string Tail => string.Join("\n", _members.Select(m => m.Tail));

    private static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(info)!;
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill();
        }
    }

    public void Dispose()
    {
        foreach (var m in _members)
        {
            m.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
