using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>
/// The handful of built-in defaults that controllers observe and would otherwise see as drift (replicas, update
/// strategies, pod policies, service type). Far from all of Kubernetes' defaulting: see README.
/// </summary>
internal static class BuiltinDefaults
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (type.IsCustom)
        {
            return;
        }

        var spec = obj["spec"] as JsonObject;
        switch (type.Group, type.Plural)
        {
            case ("", "pods"):
                if (spec is not null)
                {
                    PodSpec(spec);
                }

                if (obj["status"] is null)
                {
                    obj["status"] = new JsonObject { ["phase"] = "Pending" };
                }

                break;
            case ("apps", "statefulsets"):
                if (spec is null)
                {
                    break;
                }

                spec["replicas"] ??= 1;
                spec["podManagementPolicy"] ??= "OrderedReady";
                spec["revisionHistoryLimit"] ??= 10;
                spec["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } };
                spec["persistentVolumeClaimRetentionPolicy"] ??= new JsonObject { ["whenDeleted"] = "Retain", ["whenScaled"] = "Retain" };
                if (spec["template"]?["spec"] is JsonObject stsPod)
                {
                    PodSpec(stsPod);
                }

                break;
            case ("apps", "deployments"):
                if (spec is null)
                {
                    break;
                }

                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                spec["strategy"] ??= new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" },
                };
                if (spec["template"]?["spec"] is JsonObject deployPod)
                {
                    PodSpec(deployPod);
                }

                break;
            case ("", "services"):
                if (spec is null)
                {
                    break;
                }

                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                if (spec["ports"] is JsonArray ports)
                {
                    foreach (var port in ports.OfType<JsonObject>())
                    {
                        port["protocol"] ??= "TCP";
                        port["targetPort"] ??= port["port"]?.DeepClone();
                    }
                }

                break;
            case ("", "secrets"):
                obj["type"] ??= "Opaque";
                break;
            case ("", "namespaces"):
                obj["status"] ??= new JsonObject { ["phase"] = "Active" };
                break;
        }
    }

    private static void PodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["securityContext"] ??= new JsonObject();
    }
}
