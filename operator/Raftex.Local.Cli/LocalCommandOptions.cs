using System.Globalization;

namespace Raftex.Local.Cli;

/// <summary>Options of <c>raftex local up|run|down</c>.</summary>
internal sealed record LocalCommandOptions
{
    public required string StateDirectory { get; init; }

    public int ApiPort { get; init; } = 16443;

    public string PodNetwork { get; init; } = "127.77";

    public required string RepositoryRoot { get; init; }

    public string Configuration { get; init; } = "Release";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public string PidFile => Path.Combine(StateDirectory, "platform.pid");

    public string LogFile => Path.Combine(StateDirectory, "logs", "platform.log");

    public string Kubeconfig => Path.Combine(StateDirectory, "kubeconfig");

    public static LocalCommandOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected --option VALUE, got '{name}'");
            }

            values[name[2..]] = args[++i];
        }

        foreach (var name in values.Keys)
        {
            if (name is not ("state" or "api-port" or "pod-network" or "root" or "configuration" or "timeout-seconds"))
            {
                throw new ArgumentException($"unknown option --{name}");
            }
        }

        var root = values.TryGetValue("root", out var r) ? Path.GetFullPath(r) : FindRepositoryRoot();
        var network = values.GetValueOrDefault("pod-network", "127.77");
        var octets = network.Split('.');
        if (octets.Length != 2 || octets[0] != "127" || !byte.TryParse(octets[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"--pod-network must be the first two octets of a /16 in 127.0.0.0/8, e.g. 127.77, got '{network}'");
        }

        return new LocalCommandOptions
        {
            StateDirectory = Path.GetFullPath(values.GetValueOrDefault("state", ".raftex-local")),
            ApiPort = values.TryGetValue("api-port", out var p) ? Port(p) : 16443,
            PodNetwork = network,
            RepositoryRoot = root,
            Configuration = values.GetValueOrDefault("configuration", "Release"),
            Timeout = values.TryGetValue("timeout-seconds", out var t) && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : values.ContainsKey("timeout-seconds") ? throw new ArgumentException($"--timeout-seconds must be a positive integer, got '{t}'") : TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The command line that runs the platform in the foreground with these options.</summary>
    public IEnumerable<string> RunArguments() =>
    [
        "local", "run", "--state", StateDirectory, "--api-port", ApiPort.ToString(CultureInfo.InvariantCulture),
        "--pod-network", PodNetwork, "--root", RepositoryRoot, "--configuration", Configuration,
    ];

    private static int Port(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new ArgumentException($"--api-port must be a port number, got '{value}'");

    // raftex.dll lives in <root>/operator/Raftex.Local.Cli/bin/<configuration>/net10.0/; the root holds Cluster.sln.
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                return dir.FullName;
            }
        }

        throw new ArgumentException("cannot find the repository root (a directory with Cluster.sln) above raftex.dll; give --root DIR");
    }
}
