using System.Globalization;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

internal sealed partial class ClusterApi
{
    /// <summary>
    /// POST pods/{name}/eviction: deletes the pod unless a PodDisruptionBudget selecting it would be broken (429).
    /// Budgets are evaluated live from the pods in the store, as a perfectly up-to-date disruption controller would.
    /// </summary>
    public JsonObject Evict(ResourceType podType, string ns, string name, DeleteRequest request, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            var pod = Store.Get(ResourceRegistry.Pods, ns, name) ?? throw ApiError.NotFound(podType, name);
            CheckPreconditions(podType, pod, request.PreconditionUid, request.PreconditionResourceVersion);
            if (pod["metadata"]?["deletionTimestamp"] is not null)
            {
                // Already terminating: evicting it again changes nothing and is allowed.
                return StatusBody.Success();
            }

            var labels = JsonPaths.Labels(pod);
            var budgets = Store.List(ResourceRegistry.Pdbs, ns).Where(p => LabelSelector.FromObject(p["spec"]?["selector"]).Matches(labels)).ToList();
            if (budgets.Count > 1)
            {
                throw new ApiError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }

            var phase = (string?)pod["status"]?["phase"] ?? "Pending";
            if (budgets.Count == 1 && phase is not ("Pending" or "Succeeded" or "Failed"))
            {
                var pdb = budgets[0];
                var budget = Assess(pdb);
                var alwaysAllowUnhealthy = (string?)pdb["spec"]?["unhealthyPodEvictionPolicy"] == "AlwaysAllow";
                var allowed = IsHealthy(pod)
                    ? budget.DisruptionsAllowed > 0
                    : alwaysAllowUnhealthy || budget.CurrentHealthy >= budget.DesiredHealthy;
                if (!allowed)
                {
                    var pdbName = JsonPaths.Name(pdb);
                    var cause = $"The disruption budget {pdbName} needs {budget.DesiredHealthy} healthy pods and has {budget.CurrentHealthy} currently";
                    var details = new JsonObject
                    {
                        ["causes"] = new JsonArray(new JsonObject { ["reason"] = "DisruptionBudget", ["message"] = cause }),
                    };
                    throw new ApiError(429, "TooManyRequests", $"Cannot evict pod as it would violate the pod's disruption budget {pdbName}: {cause}", details);
                }
            }

            if (dryRun)
            {
                return StatusBody.Success();
            }

            DeleteChecked(ResourceRegistry.Pods, pod, request with { PreconditionUid = null, PreconditionResourceVersion = null });
            return StatusBody.Success();
        }
    }

    /// <summary>POST pods/{name}/binding: the scheduler's way to set spec.nodeName, once (409 if the pod is already bound).</summary>
    public JsonObject Bind(ResourceType podType, string ns, string name, JsonObject binding)
    {
        lock (Store.Sync)
        {
            var pod = Store.Get(ResourceRegistry.Pods, ns, name) ?? throw ApiError.NotFound(podType, name);
            var node = (string?)binding["target"]?["name"];
            if (string.IsNullOrEmpty(node))
            {
                throw ApiError.Invalid(podType, name, [FieldError.Required("target.name")]);
            }

            if (!string.IsNullOrEmpty((string?)pod["spec"]?["nodeName"]))
            {
                throw ApiError.Conflict(podType, name, $"pod {name} is already assigned to node \"{pod["spec"]!["nodeName"]}\"");
            }

            if (pod["metadata"]?["deletionTimestamp"] is not null)
            {
                throw ApiError.Conflict(podType, name, "pod is being deleted, cannot be assigned to a host");
            }

            var next = pod.DeepClone().AsObject();
            if (next["spec"] is not JsonObject spec)
            {
                spec = new JsonObject();
                next["spec"] = spec;
            }

            spec["nodeName"] = node;
            Store.Write(ResourceRegistry.Pods, next, "MODIFIED", pod);
            return StatusBody.Success();
        }
    }

    private static bool IsHealthy(JsonObject pod) =>
        pod["metadata"]?["deletionTimestamp"] is null
        && pod["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");

    private sealed record BudgetState(long ExpectedPods, long CurrentHealthy, long DesiredHealthy, long DisruptionsAllowed);

    private BudgetState Assess(JsonObject pdb)
    {
        var ns = JsonPaths.Namespace(pdb);
        var selector = LabelSelector.FromObject(pdb["spec"]?["selector"]);
        var pods = Store.List(ResourceRegistry.Pods, ns).Where(p => selector.Matches(JsonPaths.Labels(p))).ToList();
        var healthy = pods.Count(IsHealthy);
        var expected = ExpectedPods(pods);
        var spec = pdb["spec"] as JsonObject;
        long desired;
        if (spec?["minAvailable"] is { } min)
        {
            desired = Resolve(min, expected);
        }
        else if (spec?["maxUnavailable"] is { } max)
        {
            desired = Math.Max(0, expected - Resolve(max, expected));
        }
        else
        {
            desired = expected;
        }

        return new BudgetState(expected, healthy, desired, Math.Max(0, healthy - desired));
    }

    /// <summary>The scale of the pods' controllers (StatefulSet replicas) where known, else the number of selected pods.</summary>
    private long ExpectedPods(List<JsonObject> pods)
    {
        long expected = 0;
        var counted = new HashSet<string>();
        var loose = 0;
        foreach (var pod in pods)
        {
            var owner = (pod["metadata"]?["ownerReferences"] as JsonArray)?.FirstOrDefault(r => r?["controller"] is JsonValue c && (bool)c);
            var ownerKind = (string?)owner?["kind"];
            var ownerName = (string?)owner?["name"];
            if (ownerKind == "StatefulSet" && ownerName is not null && Store.Get(ResourceRegistry.StatefulSets, JsonPaths.Namespace(pod), ownerName) is { } sts)
            {
                if (counted.Add(ownerName))
                {
                    expected += JsonPaths.Int(sts["spec"]?["replicas"]) ?? 1;
                }
            }
            else
            {
                loose++;
            }
        }

        return expected + loose;
    }

    /// <summary>An IntOrString budget: an integer, or a percentage of the expected pods rounded up.</summary>
    private static long Resolve(JsonNode value, long expected)
    {
        if (JsonPaths.Int(value) is { } n)
        {
            return n;
        }

        var text = value.ToString().TrimEnd('%');
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent)
            ? (long)Math.Ceiling(expected * percent / 100.0)
            : throw ApiError.BadRequest($"invalid disruption budget value \"{value}\"");
    }

    /// <summary>Rewrites each budget's status in the namespace when it changed (the disruption controller's job).</summary>
    private void RefreshDisruptionBudgets(string ns)
    {
        foreach (var pdb in Store.List(ResourceRegistry.Pdbs, ns).ToList())
        {
            var b = Assess(pdb);
            var next = pdb.DeepClone().AsObject();
            var previous = pdb["status"] as JsonObject;
            var allowedNow = b.DisruptionsAllowed > 0 ? "True" : "False";
            var prevCondition = (previous?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == "DisruptionAllowed");
            var transition = (string?)prevCondition?["status"] == allowedNow ? (string?)prevCondition?["lastTransitionTime"] ?? Now() : Now();
            next["status"] = new JsonObject
            {
                ["observedGeneration"] = JsonPaths.Int(pdb["metadata"]?["generation"]) ?? 1,
                ["disruptionsAllowed"] = b.DisruptionsAllowed,
                ["currentHealthy"] = b.CurrentHealthy,
                ["desiredHealthy"] = b.DesiredHealthy,
                ["expectedPods"] = b.ExpectedPods,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "DisruptionAllowed",
                    ["status"] = allowedNow,
                    ["reason"] = b.DisruptionsAllowed > 0 ? "SufficientPods" : "InsufficientPods",
                    ["message"] = "",
                    ["observedGeneration"] = JsonPaths.Int(pdb["metadata"]?["generation"]) ?? 1,
                    ["lastTransitionTime"] = transition,
                }),
            };
            if (!JsonNode.DeepEquals(next, pdb))
            {
                Store.Write(ResourceRegistry.Pdbs, next, "MODIFIED", pdb);
            }
        }
    }
}
