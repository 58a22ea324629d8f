using System.Globalization;
using System.Net;

namespace Raftex.Node;

/// <summary>Everything a node is configured with, from command-line options or their RAFTEX_* environment equivalents.</summary>
public sealed record NodeOptions
{
    public long NodeId { get; init; }

    public string ClusterId { get; init; } = "raftex";

    public IPEndPoint ClientListen { get; init; } = new(IPAddress.Loopback, 7001);

    public IPEndPoint PeerListen { get; init; } = new(IPAddress.Loopback, 7002);

    public IPEndPoint AdminListen { get; init; } = new(IPAddress.Loopback, 7003);

    public IPEndPoint HttpListen { get; init; } = new(IPAddress.Loopback, 7004);

    /// <summary>host:port clients are told to use for this node (defaults to the client listen address).</summary>
    public string? AdvertiseClient { get; init; }

    /// <summary>Peer node id → peer-plane address (a name, re-resolved on every reconnect).</summary>
    public IReadOnlyDictionary<long, string> Peers { get; init; } = new Dictionary<long, string>();

    public string DataDir { get; init; } = "data";

    /// <summary>Create a new cluster whose voters are this node and every configured peer (only on an empty data directory).</summary>
    public bool Bootstrap { get; init; }

    /// <summary>Start empty as a learner and wait to be added (the default for an empty data directory without --bootstrap).</summary>
    public bool Join { get; init; }

    public int HeartbeatMs { get; init; } = 100;

    public int ElectionMs { get; init; } = 1000;

    /// <summary>Applied entries between automatic snapshots.</summary>
    public long SnapshotThreshold { get; init; } = 100_000;

    /// <summary>Entries kept behind a snapshot so slightly lagging followers catch up by log.</summary>
    public long SnapshotCatchUpEntries { get; init; } = 10_000;

    /// <summary>State-hash checkpoint every K applied indexes.</summary>
    public long CheckpointInterval { get; init; } = 1000;

    /// <summary>WAL segment size in MiB (space is preallocated in chunks of at most 4 MiB of it).</summary>
    public int WalSegmentMb { get; init; } = 64;

    public int ProposalQueue { get; init; } = 16_384;

    public int SessionCredit { get; init; } = 256;

    /// <summary>Cluster-wide limit on live order sessions (counted in the replicated state); the next registration is refused.</summary>
    public int MaxSessions { get; init; } = 100_000;

    /// <summary>Limit on live order sessions registered with one client token (enforced by the leader that registers them).</summary>
    public int MaxSessionsPerToken { get; init; } = 1_000;

    public string? SymbolsFile { get; init; }

    /// <summary>The operator's symbols.json (a JSON array of name, base, quote, tickSize, lotSize); excludes <see cref="SymbolsFile"/>.</summary>
    public string? SymbolsJsonFile { get; init; }

    public string? AdminTokenFile { get; init; }

    public string? PeerSecretFile { get; init; }

    public string? ClientTokensFile { get; init; }

    /// <summary>Hosts-style file mapping peer names to IPs, read on every reconnect (names it lacks go to DNS); null: DNS only.</summary>
    public string? PeerHostsFile { get; init; }

    /// <summary>host:port other members use for this node's peer plane (defaults to the peer listen address).</summary>
    public string? AdvertisePeer { get; init; }

    /// <summary>With --bootstrap on an empty data directory: start from this backup store's backup instead of empty.</summary>
    public string? RestoreStore { get; init; }

    /// <summary>The backup in <see cref="RestoreStore"/> (a name, or "latest").</summary>
    public string? RestoreBackup { get; init; }

    public string ClientAddress => AdvertiseClient ?? $"{ClientListen.Address}:{ClientListen.Port}";

    public string PeerAddress => AdvertisePeer ?? $"{PeerListen.Address}:{PeerListen.Port}";

    public int HeartbeatTicks => 1;

    public int ElectionTicks => Math.Max(2, ElectionMs / HeartbeatMs);

    private static readonly string[] Flags = ["bootstrap", "join"];

    /// <summary>Usage text listing every option.</summary>
    public const string Usage = """
        raftex-node [options]   (each --name has an environment equivalent RAFTEX_NAME, e.g. --data-dir = RAFTEX_DATA_DIR)
          --node-id N                 this node's id (>0); default: pod ordinal + 1 from POD_NAME / HOSTNAME "name-<ordinal>"
          --cluster-id ID             cluster identity written into the data directory (default raftex)
          --client-listen IP:PORT     Exchange + OrderSession plane (default 127.0.0.1:7001)
          --peer-listen IP:PORT       Raft peer plane (default 127.0.0.1:7002)
          --admin-listen IP:PORT      Admin plane (default 127.0.0.1:7003)
          --http-listen IP:PORT       /healthz /readyz /metrics (default 127.0.0.1:7004)
          --advertise-client HOST:PORT  client address told to other nodes and clients
          --advertise-peer HOST:PORT  peer address told to other members (e.g. the pod's DNS name)
          --peers 1=host:port,2=...   peer-plane addresses of the other members (names resolved on every reconnect)
          --peer-hosts-file PATH      resolve peer names from lines "name ip" (or "ip name...") in PATH, read on every
                                      reconnect; names not in it go to DNS (default: DNS only)
          --data-dir PATH             data directory (WAL, snapshots, identity, lock)
          --bootstrap                 create a new cluster of this node + peers (empty data dir only)
          --join                      start empty as a learner and wait to be added
          --restore-store LOCATION    with --bootstrap on an empty data dir: start from a backup in this store
                                      (a path, file:///path or s3://bucket/prefix?endpoint=..; S3 credentials from
                                      RAFTEX_S3_ACCESS_KEY_ID / RAFTEX_S3_SECRET_ACCESS_KEY)
          --restore-backup NAME       the backup to start from (a name, or latest); needs --restore-store
          --heartbeat-ms N            heartbeat interval (default 100)
          --election-ms N             election timeout (default 1000)
          --snapshot-threshold N      applied entries between snapshots (default 100000)
          --snapshot-catchup-entries N  entries kept behind a snapshot (default 10000)
          --checkpoint-interval K     state-hash checkpoint every K applied indexes (default 1000)
          --wal-segment-mb N          WAL segment size in MiB (default 64)
          --proposal-queue N          bounded proposal queue (default 16384)
          --session-credit N          outstanding commands per order session (default 256)
          --max-sessions N            cluster-wide limit on live order sessions (default 100000)
          --max-sessions-per-token N  limit on live order sessions per client token (default 1000)
          --symbols-file PATH         instruments (see README); default BTC-USD and ETH-USD
          --config PATH               the operator's node.json: identity, bootstrap members, Raft timings and ports
                                      (lowest precedence: options and RAFTEX_* variables win)
          --pod-name NAME             pod name for --config (default POD_NAME, then HOSTNAME): node id and advertised names
          --pod-ip IP                 with --config, the IP the planes listen on (default 0.0.0.0)
          --symbols PATH              the operator's symbols.json (instead of --symbols-file)
          --admin-token-file PATH     file holding the admin bearer token
          --peer-secret-file PATH     file holding the shared peer secret
          --client-tokens-file PATH   lines "token account[,account...]" or "token *"
        """;

    /// <summary>Parses options; environment variables fill what the command line leaves out. Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static NodeOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'; options start with --");
            }

            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (Flags.Contains(name))
            {
                value = "true";
            }
            else
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"option --{name} needs a value");
                }

                value = args[++i];
            }

            if (name is "admin-token" or "peer-secret" or "client-tokens")
            {
                throw new ArgumentException($"--{name} is not accepted: secrets are read from files (--{name}-file)");
            }

            values[name] = value;
        }

        string? Given(string name) =>
            values.TryGetValue(name, out var v) ? v : environment("RAFTEX_" + name.Replace('-', '_').ToUpperInvariant());

        var podConfig = Given("config") is { } configPath
            ? PodConfigFile.Options(NonEmpty("config", configPath), Given("pod-name") ?? environment("POD_NAME") ?? environment("HOSTNAME"), Given("pod-ip"))
            : [];
        string? Get(string name) => Given(name) ?? podConfig.GetValueOrDefault(name);

        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "node-id", "cluster-id", "client-listen", "peer-listen", "admin-listen", "http-listen", "advertise-client", "advertise-peer", "peers", "data-dir",
            "bootstrap", "join", "heartbeat-ms", "election-ms", "snapshot-threshold", "snapshot-catchup-entries", "checkpoint-interval", "wal-segment-mb",
            "proposal-queue", "session-credit", "max-sessions", "max-sessions-per-token", "symbols-file", "admin-token-file", "peer-secret-file", "client-tokens-file", "peer-hosts-file",
            "config", "pod-name", "pod-ip", "symbols", "restore-store", "restore-backup",
        };
        foreach (var name in values.Keys)
        {
            if (!known.Contains(name))
            {
                throw new ArgumentException($"unknown option --{name}");
            }
        }

        var options = new NodeOptions
        {
            NodeId = Get("node-id") is { } id ? ParseLong("node-id", id, 1) : NodeIdFromPodName(environment("POD_NAME") ?? environment("HOSTNAME")),
            ClusterId = Get("cluster-id") ?? "raftex",
            ClientListen = Get("client-listen") is { } c ? ParseEndPoint("client-listen", c) : new IPEndPoint(IPAddress.Loopback, 7001),
            PeerListen = Get("peer-listen") is { } p ? ParseEndPoint("peer-listen", p) : new IPEndPoint(IPAddress.Loopback, 7002),
            AdminListen = Get("admin-listen") is { } a ? ParseEndPoint("admin-listen", a) : new IPEndPoint(IPAddress.Loopback, 7003),
            HttpListen = Get("http-listen") is { } h ? ParseEndPoint("http-listen", h) : new IPEndPoint(IPAddress.Loopback, 7004),
            AdvertiseClient = Get("advertise-client"),
            AdvertisePeer = Get("advertise-peer"),
            Peers = Get("peers") is { } peers ? ParsePeers(peers) : new Dictionary<long, string>(),
            DataDir = Get("data-dir") ?? "data",
            Bootstrap = Get("bootstrap") is { } b && ParseBool("bootstrap", b),
            Join = Get("join") is { } j && ParseBool("join", j),
            HeartbeatMs = Get("heartbeat-ms") is { } hb ? (int)ParseLong("heartbeat-ms", hb, 1, 60_000) : 100,
            ElectionMs = Get("election-ms") is { } el ? (int)ParseLong("election-ms", el, 2, 600_000) : 1000,
            SnapshotThreshold = Get("snapshot-threshold") is { } st ? ParseLong("snapshot-threshold", st, 1) : 100_000,
            SnapshotCatchUpEntries = Get("snapshot-catchup-entries") is { } sc ? ParseLong("snapshot-catchup-entries", sc, 0) : 10_000,
            CheckpointInterval = Get("checkpoint-interval") is { } ck ? ParseLong("checkpoint-interval", ck, 1) : 1000,
            WalSegmentMb = Get("wal-segment-mb") is { } ws ? (int)ParseLong("wal-segment-mb", ws, 1, 1024) : 64,
            ProposalQueue = Get("proposal-queue") is { } pq ? (int)ParseLong("proposal-queue", pq, 1, 1 << 24) : 16_384,
            SessionCredit = Get("session-credit") is { } cr ? (int)ParseLong("session-credit", cr, 1, 4096) : 256,
            MaxSessions = Get("max-sessions") is { } ms ? (int)ParseLong("max-sessions", ms, 1, 10_000_000) : 100_000,
            MaxSessionsPerToken = Get("max-sessions-per-token") is { } mt ? (int)ParseLong("max-sessions-per-token", mt, 1, 10_000_000) : 1_000,
            SymbolsFile = Get("symbols-file"),
            SymbolsJsonFile = Get("symbols") is { } symbolsJson ? NonEmpty("symbols", symbolsJson) : null,
            AdminTokenFile = Get("admin-token-file"),
            PeerSecretFile = Get("peer-secret-file"),
            ClientTokensFile = Get("client-tokens-file"),
            PeerHostsFile = Get("peer-hosts-file") is { } hosts ? NonEmpty("peer-hosts-file", hosts) : null,
            RestoreStore = Get("restore-store") is { } rs ? NonEmpty("restore-store", rs) : null,
            RestoreBackup = Get("restore-backup") is { } rb ? NonEmpty("restore-backup", rb) : null,
        };

        if ((options.RestoreStore is null) != (options.RestoreBackup is null))
        {
            throw new ArgumentException("--restore-store and --restore-backup go together");
        }

        if (options.RestoreStore is not null && options.Join)
        {
            throw new ArgumentException("--restore-store needs a bootstrapping node, not --join: every bootstrap member starts from the backup");
        }

        if (options.ElectionMs <= options.HeartbeatMs)
        {
            throw new ArgumentException($"--election-ms ({options.ElectionMs}) must be greater than --heartbeat-ms ({options.HeartbeatMs})");
        }

        if (options.SymbolsFile is not null && options.SymbolsJsonFile is not null)
        {
            throw new ArgumentException("--symbols-file and --symbols exclude each other");
        }

        if (options.Bootstrap && options.Join)
        {
            throw new ArgumentException("--bootstrap and --join exclude each other");
        }

        if (options.Peers.ContainsKey(options.NodeId))
        {
            throw new ArgumentException($"--peers must not list this node's own id {options.NodeId}");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || options.ClusterId.Length > 128)
        {
            throw new ArgumentException("--cluster-id must be 1-128 characters");
        }

        return options;
    }

    private static long NodeIdFromPodName(string? podName)
    {
        // StatefulSet pods are named <set>-<ordinal>; node id = ordinal + 1 (0 means "none").
        var dash = podName?.LastIndexOf('-') ?? -1;
        if (podName is not null && dash >= 0 && int.TryParse(podName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            return ordinal + 1;
        }

        throw new ArgumentException("--node-id is required (or POD_NAME/HOSTNAME ending in -<ordinal>)");
    }

    private static long ParseLong(string name, string value, long min, long max = long.MaxValue)
    {
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new ArgumentException($"--{name} must be an integer in [{min}, {max}], got '{value}'");
        }

        return n;
    }

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"--{name} must name a file, got an empty value") : value;

    private static bool ParseBool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ArgumentException($"--{name} must be true or false, got '{value}'"),
    };

    private static IPEndPoint ParseEndPoint(string name, string value)
    {
        if (!IPEndPoint.TryParse(value, out var endpoint) || endpoint.Port == 0)
        {
            throw new ArgumentException($"--{name} must be IP:PORT with a non-zero port, got '{value}'");
        }

        return endpoint;
    }

    private static Dictionary<long, string> ParsePeers(string value)
    {
        var peers = new Dictionary<long, string>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !long.TryParse(part.AsSpan(0, eq), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new ArgumentException($"--peers entries must be id=host:port with a positive id, got '{part}'");
            }

            var address = part[(eq + 1)..];
            var colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            {
                throw new ArgumentException($"--peers address for node {id} must be host:port, got '{address}'");
            }

            if (!peers.TryAdd(id, address))
            {
                throw new ArgumentException($"--peers lists node {id} twice");
            }
        }

        return peers;
    }
}
