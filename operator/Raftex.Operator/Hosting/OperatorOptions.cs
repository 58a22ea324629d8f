namespace Raftex.Operator.Hosting;

/// <summary>Options of <c>raftex-operator run</c>.</summary>
public sealed record OperatorOptions
{
    /// <summary>Path of a kubeconfig file; null means in-cluster configuration (or the default kubeconfig outside a cluster).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Namespace to watch; null watches all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>Whether replicas elect a leader through a Lease (only the leader reconciles).</summary>
    public bool LeaderElection { get; init; } = true;

    /// <summary>Namespace of the leader-election Lease.</summary>
    public string LeaseNamespace { get; init; } = "default";

    /// <summary>Name of the leader-election Lease.</summary>
    public string LeaseName { get; init; } = "raftex-operator";

    /// <summary>Identity of this replica in the Lease.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>Port of /metrics on 0.0.0.0 (0: no metrics endpoint).</summary>
    public int MetricsPort { get; init; } = 8080;

    /// <summary>Address the metrics endpoint binds (all interfaces by default, so Prometheus can scrape the pod).</summary>
    public System.Net.IPAddress MetricsAddress { get; init; } = System.Net.IPAddress.Any;

    /// <summary>Deadline of each Admin call to a node.</summary>
    public TimeSpan AdminTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>File holding the bearer token the nodes' Admin API requires (null: send none, for nodes in open mode).</summary>
    public string? AdminTokenFile { get; init; }

    /// <summary>Reconcile workers.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Parses command-line options; throws <see cref="ArgumentException"/> with a precise message on bad input.</summary>
    public static OperatorOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new OperatorOptions { LeaseNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default" };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--kubeconfig" => o with { Kubeconfig = Value() },
                "--namespace" => o with { Namespace = Value() is "" or "*" ? null : args[i] },
                "--all-namespaces" => o with { Namespace = null },
                "--leader-election" => o with { LeaderElection = ParseBool(Value()) },
                "--lease-namespace" => o with { LeaseNamespace = Value() },
                "--lease-name" => o with { LeaseName = Value() },
                "--identity" => o with { Identity = Value() },
                "--metrics-port" => o with { MetricsPort = ParsePort(Value()) },
                "--metrics-address" => o with { MetricsAddress = System.Net.IPAddress.TryParse(Value(), out var address) ? address : throw new ArgumentException($"--metrics-address must be an IP address, got '{args[i]}'") },
                "--admin-token-file" => o with { AdminTokenFile = Value() is { Length: > 0 } path ? path : throw new ArgumentException("--admin-token-file needs a path") },
                "--workers" => o with { Workers = int.TryParse(Value(), out var w) && w is >= 1 and <= 64 ? w : throw new ArgumentException($"--workers must be 1-64, got '{args[i]}'") },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }

        return o;
    }

    /// <summary>Reads the admin bearer token from <see cref="AdminTokenFile"/> (trimmed); null when none is configured.</summary>
    public string? ReadAdminToken()
    {
        if (AdminTokenFile is null)
        {
            return null;
        }

        if (!File.Exists(AdminTokenFile))
        {
            throw new ArgumentException($"--admin-token-file {AdminTokenFile} does not exist");
        }

        var token = File.ReadAllText(AdminTokenFile).Trim();
        return token.Length == 0 ? throw new ArgumentException($"--admin-token-file {AdminTokenFile} is empty") : token;
    }

    private static bool ParseBool(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw new ArgumentException($"--leader-election must be true or false, got '{text}'"),
    };

    private static int ParsePort(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new ArgumentException($"--metrics-port must be 0-65535, got '{text}'");
}
