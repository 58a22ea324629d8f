using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>
/// Server-side printing (meta.k8s.io/v1 Table) for kubectl get: a CRD's additionalPrinterColumns, a few built-in
/// layouts (pods, statefulsets, deployments, PDBs) and Name/Age for everything else.
/// </summary>
internal static class TableView
{
    private sealed record Column(string Name, string Type, string Description, int Priority, Func<JsonObject, JsonNode?> Cell);

    public static bool Wanted(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);

    public static JsonObject Render(ResourceType type, IEnumerable<JsonObject> objects, long resourceVersion, string? includeObject, DateTimeOffset now)
    {
        var columns = Columns(type, now);
        var definitions = new JsonArray();
        foreach (var c in columns)
        {
            definitions.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Name == "Name" ? "name" : "",
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            });
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var c in columns)
            {
                cells.Add(c.Cell(obj)?.DeepClone());
            }

            var row = new JsonObject { ["cells"] = cells };
            if (includeObject != "None")
            {
                row["object"] = includeObject == "Object"
                    ? obj.DeepClone()
                    : new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone(),
                    };
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static List<Column> Columns(ResourceType type, DateTimeOffset now)
    {
        var name = new Column("Name", "string", "Name must be unique within a namespace.", 0, o => JsonPaths.Name(o));
        var age = new Column("Age", "string", "Time since creation.", 0, o => Age(JsonPaths.MetaString(o, "creationTimestamp"), now));
        var columns = new List<Column> { name };
        if (type.PrinterColumns is { } printer)
        {
            var hasAge = false;
            foreach (var p in printer.OfType<JsonObject>())
            {
                var colType = (string?)p["type"] ?? "string";
                var path = (string?)p["jsonPath"] ?? "";
                hasAge |= path == ".metadata.creationTimestamp";
                columns.Add(new Column((string?)p["name"] ?? path, colType == "date" ? "string" : colType, (string?)p["description"] ?? "",
                    (int?)JsonPaths.Int(p["priority"]) ?? 0, o => Cell(o, path, colType, now)));
            }

            if (!hasAge)
            {
                columns.Add(age);
            }

            return columns;
        }

        switch (type.Group, type.Plural)
        {
            case ("", "pods"):
                columns.Add(new Column("Ready", "string", "Ready containers.", 0, o =>
                {
                    var total = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
                    var ready = (o["status"]?["containerStatuses"] as JsonArray)?.Count(c => c?["ready"] is JsonValue r && r.GetValueKind() == JsonValueKind.True) ?? 0;
                    if (ready == 0 && (o["status"]?["conditions"] as JsonArray)?.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True") == true)
                    {
                        ready = total;
                    }

                    return $"{ready}/{total}";
                }));
                columns.Add(new Column("Status", "string", "Pod phase, or why a container is not running.", 0, o => PodStatus(o)));
                columns.Add(new Column("Restarts", "integer", "Container restarts.", 0, o =>
                    (o["status"]?["containerStatuses"] as JsonArray)?.Sum(c => JsonPaths.Int(c?["restartCount"]) ?? 0) ?? 0));
                columns.Add(age);
                columns.Add(new Column("IP", "string", "Pod IP.", 1, o => (string?)o["status"]?["podIP"] ?? "<none>"));
                columns.Add(new Column("Node", "string", "Node the pod is bound to.", 1, o => (string?)o["spec"]?["nodeName"] ?? "<none>"));
                break;
            case ("", "nodes"):
                columns.Add(new Column("Status", "string", "Ready condition.", 0, o =>
                    (o["status"]?["conditions"] as JsonArray)?.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True") == true ? "Ready" : "NotReady"));
                columns.Add(new Column("Roles", "string", "Node roles.", 0, _ => "<none>"));
                columns.Add(age);
                columns.Add(new Column("Version", "string", "Kubelet version.", 0, o => (string?)o["status"]?["nodeInfo"]?["kubeletVersion"] ?? string.Empty));
                break;
            case ("apps", "statefulsets"):
                columns.Add(new Column("Ready", "string", "Ready replicas.", 0, o =>
                    $"{JsonPaths.Int(o["status"]?["readyReplicas"]) ?? 0}/{JsonPaths.Int(o["spec"]?["replicas"]) ?? 0}"));
                break;
            case ("apps", "deployments"):
                columns.Add(new Column("Ready", "string", "Ready replicas.", 0, o =>
                    $"{JsonPaths.Int(o["status"]?["readyReplicas"]) ?? 0}/{JsonPaths.Int(o["spec"]?["replicas"]) ?? 0}"));
                columns.Add(new Column("Up-to-date", "integer", "Updated replicas.", 0, o => JsonPaths.Int(o["status"]?["updatedReplicas"]) ?? 0));
                columns.Add(new Column("Available", "integer", "Available replicas.", 0, o => JsonPaths.Int(o["status"]?["availableReplicas"]) ?? 0));
                break;
            case ("policy", "poddisruptionbudgets"):
                columns.Add(new Column("Min Available", "string", "minAvailable.", 0, o => o["spec"]?["minAvailable"]?.ToString() ?? "N/A"));
                columns.Add(new Column("Max Unavailable", "string", "maxUnavailable.", 0, o => o["spec"]?["maxUnavailable"]?.ToString() ?? "N/A"));
                columns.Add(new Column("Allowed Disruptions", "integer", "disruptionsAllowed.", 0, o => JsonPaths.Int(o["status"]?["disruptionsAllowed"]) ?? 0));
                break;
        }

        // kubectl's order: Age after the built-in summary columns, before the wide ones (pods) or the version (nodes).
        if (!columns.Contains(age))
        {
            columns.Add(age);
        }

        return columns;
    }

    /// <summary>kubectl's pod STATUS: Terminating, else the reason a container waits or terminated, else the phase.</summary>
    private static string PodStatus(JsonObject pod)
    {
        if (pod["metadata"]?["deletionTimestamp"] is not null)
        {
            return "Terminating";
        }

        var status = (string?)pod["status"]?["reason"] ?? (string?)pod["status"]?["phase"] ?? "Pending";
        foreach (var container in pod["status"]?["containerStatuses"] as JsonArray ?? [])
        {
            var state = container?["state"];
            if ((string?)state?["waiting"]?["reason"] is { Length: > 0 } waiting)
            {
                status = waiting;
            }
            else if (state?["terminated"] is { } terminated)
            {
                status = (string?)terminated["reason"] is { Length: > 0 } reason ? reason : $"ExitCode:{JsonPaths.Int(terminated["exitCode"]) ?? 0}";
            }
        }

        return status;
    }

    private static JsonNode? Cell(JsonObject obj, string path, string type, DateTimeOffset now)
    {
        var values = JsonPathColumn.Evaluate(obj, path);
        if (values.Count == 0)
        {
            return null;
        }

        if (type == "date")
        {
            return Age(values[0].ToString(), now);
        }

        return values.Count == 1 && values[0] is JsonValue ? values[0].DeepClone() : string.Join(",", values.Select(v => v.ToString()));
    }

    /// <summary>kubectl's short human durations: 45s, 12m, 5h, 3d.</summary>
    private static string Age(string? timestamp, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return "<unknown>";
        }

        var d = now - t;
        return d.TotalSeconds < 0 ? "0s"
            : d.TotalMinutes < 2 ? $"{(int)d.TotalSeconds}s"
            : d.TotalHours < 3 ? $"{(int)d.TotalMinutes}m"
            : d.TotalDays < 2 ? $"{(int)d.TotalHours}h"
            : $"{(int)d.TotalDays}d";
    }
}
