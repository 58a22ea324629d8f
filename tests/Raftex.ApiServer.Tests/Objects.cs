using k8s.Models;

namespace Raftex.ApiServer.Tests;

/// <summary>Small typed objects the tests create.</summary>
internal static class Objects
{
    public static V1ConfigMap ConfigMap(string name, Dictionary<string, string>? data = null, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = data ?? new Dictionary<string, string> { ["k"] = "v" },
    };

    public static V1Pod Pod(string name, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "raftex/node:1" }] },
    };

    public static V1StatefulSet StatefulSet(string name, int replicas = 3, string image = "raftex/node:1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "node", Image = image }] },
            },
        },
    };
}
