using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Raftex.Node;

/// <summary>
/// The node configuration the operator writes into the cluster's ConfigMap (<c>node.json</c>, passed as
/// <c>--config</c>), turned into option values. They are the lowest layer: the command line and RAFTEX_* variables
/// still win. The pod's own name (RAFTEX_POD_NAME, POD_NAME or HOSTNAME) gives the node id (ordinal + 1) and the
/// advertised <c>&lt;pod&gt;.&lt;peerService&gt;.&lt;namespace&gt;.svc</c> names; the planes listen on
/// the pod IP (RAFTEX_POD_IP, the pod's IP from the downward API), 0.0.0.0 when it is not given.
/// </summary>
internal static class PodConfigFile
{
    public static Dictionary<string, string> Options(string path, string? podName, string? podIp)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--config {path}: cannot read: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"--config {path}: not valid JSON: {ex.Message}", ex);
        }

        if (root is not JsonObject config)
        {
            throw new ArgumentException($"--config {path}: expected a JSON object");
        }

        if (podName is null)
        {
            throw new ArgumentException($"--config {path}: the pod name is unknown (set RAFTEX_POD_NAME, POD_NAME or HOSTNAME)");
        }

        var dash = podName.LastIndexOf('-');
        if (dash < 0 || !int.TryParse(podName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            throw new ArgumentException($"--config {path}: pod name '{podName}' does not end in -<ordinal>");
        }

        var nodeId = ordinal + 1L;
        var service = Text(config, "peerService", path);
        var ns = Text(config, "namespace", path);
        var ports = config["ports"] as JsonObject ?? throw new ArgumentException($"--config {path}: missing object 'ports'");
        var listen = podIp ?? "0.0.0.0";
        var host = $"{podName}.{service}.{ns}.svc";
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["node-id"] = nodeId.ToString(CultureInfo.InvariantCulture),
            ["cluster-id"] = Text(config, "clusterId", path),
            ["data-dir"] = Text(config, "dataDir", path),
            ["client-listen"] = $"{listen}:{Port(ports, "client", path)}",
            ["peer-listen"] = $"{listen}:{Port(ports, "peer", path)}",
            ["admin-listen"] = $"{listen}:{Port(ports, "admin", path)}",
            ["http-listen"] = $"{listen}:{Port(ports, "http", path)}",
            ["advertise-client"] = $"{host}:{Port(ports, "client", path)}",
            ["advertise-peer"] = $"{host}:{Port(ports, "peer", path)}",
        };

        if (config["raft"] is JsonObject raft)
        {
            Copy(raft, "heartbeatIntervalMs", "heartbeat-ms", options);
            Copy(raft, "electionTimeoutMs", "election-ms", options);
            Copy(raft, "snapshotThreshold", "snapshot-threshold", options);
        }

        // Only the bootstrap members create the cluster together; any other pod joins as a learner the operator adds.
        var peers = new List<string>();
        var isBootstrapMember = false;
        foreach (var member in config["bootstrapMembers"] as JsonArray ?? [])
        {
            var id = member?["nodeId"]?.GetValue<long>() ?? throw new ArgumentException($"--config {path}: a bootstrap member has no nodeId");
            var address = member["address"]?.GetValue<string>() ?? throw new ArgumentException($"--config {path}: bootstrap member {id} has no address");
            if (id == nodeId)
            {
                isBootstrapMember = true;
            }
            else
            {
                peers.Add($"{id.ToString(CultureInfo.InvariantCulture)}={address}");
            }
        }

        if (isBootstrapMember)
        {
            options["bootstrap"] = "true";
            options["peers"] = string.Join(',', peers);
            if (config["restore"] is JsonObject restore)
            {
                // Every bootstrap member starts from the same backup; the data directory keeps it from then on.
                options["restore-store"] = Text(restore, "store", path);
                options["restore-backup"] = Text(restore, "backup", path);
            }
        }
        else
        {
            options["join"] = "true";
        }

        return options;
    }

    private static string Text(JsonObject config, string name, string path) =>
        config[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : throw new ArgumentException($"--config {path}: missing string '{name}'");

    private static string Port(JsonObject ports, string name, string path) =>
        ports[name] is JsonValue v && v.TryGetValue<int>(out var port) && port is > 0 and <= 65535
            ? port.ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentException($"--config {path}: ports.{name} must be a port number");

    private static void Copy(JsonObject from, string name, string option, Dictionary<string, string> options)
    {
        if (from[name] is JsonValue v && v.TryGetValue<long>(out var n))
        {
            options[option] = n.ToString(CultureInfo.InvariantCulture);
        }
    }
}
