using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>The resources the server serves: the built-in kinds and, dynamically, every established CRD's versions.</summary>
internal sealed class ResourceRegistry
{
    private readonly List<ResourceType> _builtins = [];
    private readonly Dictionary<string, List<ResourceType>> _customByCrd = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public ResourceRegistry()
    {
        string[] all = ["all"];
        var statusAndScale = new ScalePaths(".spec.replicas", ".status.replicas", ".status.selector");
        Add(new ResourceType("", "v1", "pods", "pod", "Pod", true) { ShortNames = ["po"], Categories = all, HasStatus = true, HasEviction = true });
        Add(new ResourceType("", "v1", "services", "service", "Service", true) { ShortNames = ["svc"], Categories = all, HasStatus = true });
        Add(new ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", true) { ShortNames = ["cm"] });
        Add(new ResourceType("", "v1", "secrets", "secret", "Secret", true));
        Add(new ResourceType("", "v1", "events", "event", "Event", true) { ShortNames = ["ev"] });
        Add(new ResourceType("", "v1", "endpoints", "endpoints", "Endpoints", true) { ShortNames = ["ep"] });
        Add(new ResourceType("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true) { ShortNames = ["sa"] });
        Add(new ResourceType("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true) { ShortNames = ["pvc"], HasStatus = true });
        Add(new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false) { ShortNames = ["ns"], HasStatus = true });
        Add(new ResourceType("", "v1", "nodes", "node", "Node", false) { ShortNames = ["no"], HasStatus = true });
        Add(new ResourceType("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true) { ShortNames = ["sts"], Categories = all, HasStatus = true, Scale = statusAndScale });
        Add(new ResourceType("apps", "v1", "deployments", "deployment", "Deployment", true) { ShortNames = ["deploy"], Categories = all, HasStatus = true, Scale = statusAndScale });
        Add(new ResourceType("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true) { ShortNames = ["rs"], Categories = all, HasStatus = true, Scale = statusAndScale });
        Add(new ResourceType("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true));
        Add(new ResourceType("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true) { ShortNames = ["pdb"], HasStatus = true });
        Add(new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", true));
        Add(new ResourceType("events.k8s.io", "v1", "events", "event", "Event", true) { ShortNames = ["ev"] });
        Add(new ResourceType("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true));
        Add(new ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true));
        Add(new ResourceType("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false));
        Add(new ResourceType("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false));
        Add(new ResourceType("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true) { ShortNames = ["netpol"] });
        Add(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false)
        {
            ShortNames = ["crd", "crds"],
            HasStatus = true,
        });
    }

    public static readonly GroupResource Crds = new("apiextensions.k8s.io", "customresourcedefinitions");
    public static readonly GroupResource Pods = new("", "pods");
    public static readonly GroupResource Namespaces = new("", "namespaces");
    public static readonly GroupResource Pdbs = new("policy", "poddisruptionbudgets");
    public static readonly GroupResource StatefulSets = new("apps", "statefulsets");

    private void Add(ResourceType type) => _builtins.Add(type);

    public IReadOnlyList<ResourceType> All()
    {
        lock (_sync)
        {
            var all = new List<ResourceType>(_builtins);
            foreach (var list in _customByCrd.Values)
            {
                all.AddRange(list);
            }

            return all;
        }
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var t in All())
        {
            if (t.Group == group && t.Version == version && t.Plural == plural)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Any served version of the group/resource (for cross-version lookups such as owner kinds).</summary>
    public ResourceType? FindAnyVersion(GroupResource gr) => All().FirstOrDefault(t => t.GroupResource == gr);

    public ResourceType? FindByKind(string apiVersion, string kind) =>
        All().FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    /// <summary>Stops serving every custom resource (a wiped store has no CRDs).</summary>
    public void Clear()
    {
        lock (_sync)
        {
            _customByCrd.Clear();
        }
    }

    /// <summary>Serves (or stops serving) the versions a CRD declares; called whenever the CRD is written or removed.</summary>
    public void Apply(string crdName, JsonObject? crd)
    {
        lock (_sync)
        {
            if (crd is null)
            {
                _customByCrd.Remove(crdName);
                return;
            }

            _customByCrd[crdName] = CustomResourceDefinitions.ServedTypes(crd);
        }
    }
}
