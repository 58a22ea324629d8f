using k8s.Models;

namespace Raftex.Local.Tests;

/// <summary>StatefulSets the tests create.</summary>
internal static class Sets
{
    public static V1StatefulSet Make(string name, int replicas, string image = "raftex/node:1", bool parallel = true, string strategy = "OnDelete") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name + "-peers",
            PodManagementPolicy = parallel ? "Parallel" : "OrderedReady",
            UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = strategy },
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "node", Image = image }] },
            },
        },
    };
}
