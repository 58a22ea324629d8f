using k8s.Models;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;

namespace Raftex.Operator.Builders;

/// <summary>Builds the StatefulSet of Raft nodes. The operator, not the StatefulSet controller, decides every restart (OnDelete).</summary>
public static class StatefulSetBuilder
{
    /// <summary>Where the node's data volume (Raft log, snapshots, cluster id, incarnation) is mounted.</summary>
    public const string DataMountPath = "/var/lib/raftex";
    /// <summary>Name of the volume claim template.</summary>
    public const string DataVolume = "data";
    /// <summary>Name of the node container.</summary>
    public const string Container = "node";
    /// <summary>Non-root user the node runs as.</summary>
    public const long RunAsUser = 10001;

    /// <summary>
    /// The StatefulSet with <paramref name="replicas"/> pods (scaling moves it one step at a time, so it is
    /// not always spec.replicas). <paramref name="configHash"/> is the ConfigMap data hash, so a config change rolls pods.
    /// </summary>
    public static V1StatefulSet Build(ExchangeCluster cluster, ClusterSettings settings, int replicas, string configHash)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        var name = cluster.Metadata.Name;
        var template = PodTemplate(cluster, settings, configHash);
        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Ownership.ChildMeta(cluster, ChildNames.StatefulSet(name)),
            Spec = new V1StatefulSetSpec
            {
                Replicas = replicas,
                ServiceName = ChildNames.PeerService(name),
                // Pods start together so the bootstrap members can elect a leader; membership, not start order, is what Raft cares about.
                PodManagementPolicy = "Parallel",
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" },
                Selector = new V1LabelSelector { MatchLabels = ChildLabels.Selector(name) },
                Template = template,
                PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy
                {
                    WhenDeleted = settings.WhenDeleted.ToString(),
                    WhenScaled = settings.WhenScaled.ToString(),
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = DataVolume, Labels = ChildLabels.Selector(name) },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            StorageClassName = settings.StorageClassName,
                            Resources = new V1VolumeResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = settings.StorageSize },
                            },
                        },
                    },
                ],
            },
        };
    }

    /// <summary>The revision a pod template hashes to (its own revision label excluded).</summary>
    public static string RevisionOf(V1PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var copy = k8s.KubernetesJson.Deserialize<V1PodTemplateSpec>(k8s.KubernetesJson.Serialize(template));
        copy.Metadata?.Labels?.Remove(ChildLabels.Revision);
        return CanonicalHash.Of(copy);
    }

    /// <summary>
    /// Seconds a pod gets between SIGTERM and SIGKILL: enough for a leader to catch a follower up,
    /// hand over leadership (a few election timeouts) and flush, with a floor of a minute.
    /// </summary>
    public static long TerminationGraceSeconds(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Math.Max(60, (long)Math.Ceiling(settings.ElectionTimeoutMs * 10 / 1000.0) + 30);
    }

    private static V1PodTemplateSpec PodTemplate(ExchangeCluster cluster, ClusterSettings settings, string configHash)
    {
        var name = cluster.Metadata.Name;
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [ChildLabels.ConfigHash] = configHash };
        if (cluster.Metadata.Annotations?.TryGetValue(ChildLabels.RestartedAt, out var restartedAt) == true)
        {
            annotations[ChildLabels.RestartedAt] = restartedAt;
        }

        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = ChildLabels.Common(name), Annotations = annotations },
            Spec = new V1PodSpec
            {
                TerminationGracePeriodSeconds = TerminationGraceSeconds(settings),
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = RunAsUser,
                    RunAsGroup = RunAsUser,
                    FsGroup = RunAsUser,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                Affinity = new V1Affinity
                {
                    PodAntiAffinity = new V1PodAntiAffinity
                    {
                        // Preferred, not required: a one-node cluster must still run, but replicas spread when they can.
                        PreferredDuringSchedulingIgnoredDuringExecution =
                        [
                            new V1WeightedPodAffinityTerm
                            {
                                Weight = 100,
                                PodAffinityTerm = new V1PodAffinityTerm
                                {
                                    TopologyKey = "kubernetes.io/hostname",
                                    LabelSelector = new V1LabelSelector { MatchLabels = ChildLabels.Selector(name) },
                                },
                            },
                        ],
                    },
                },
                Containers = [NodeContainer(name, settings)],
                Volumes =
                [
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = ChildNames.ConfigMap(name) } },
                    // The root filesystem is read-only; the runtime still needs a writable /tmp.
                    new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
                ],
            },
        };

        AddRestoreStore(template.Spec, cluster.Status?.RestoredFrom?.Store);
        template.Metadata.Labels[ChildLabels.Revision] = RevisionOf(template);
        return template;
    }

    // The store of a restore, as the nodes reach it: a filesystem store mounted read-only at its path, an S3 store's
    // credentials from its Secret. It stays after the restore, so the pod template (and revision) never changes for it.
    private static void AddRestoreStore(V1PodSpec pod, BackupStoreSpec? store)
    {
        if (store is null)
        {
            return;
        }

        var container = pod.Containers[0];
        if (BackupStoreLocation.Volume(store) is { } volume)
        {
            pod.Volumes.Add(volume);
            container.VolumeMounts.Add(BackupStoreLocation.Mount(store)!);
        }

        foreach (var variable in BackupStoreLocation.Environment(store))
        {
            container.Env.Add(variable);
        }
    }

    private static V1Container NodeContainer(string name, ClusterSettings settings)
    {
        var resources = new V1ResourceRequirements();
        if (settings.Requests.Count > 0) { resources.Requests = new SortedDictionary<string, ResourceQuantity>(settings.Requests.ToDictionary(), StringComparer.Ordinal); }
        if (settings.Limits.Count > 0) { resources.Limits = new SortedDictionary<string, ResourceQuantity>(settings.Limits.ToDictionary(), StringComparer.Ordinal); }

        return new V1Container
        {
            Name = Container,
            Image = settings.Image,
            Args = ["--config", $"{ConfigMapBuilder.MountPath}/{ConfigMapBuilder.NodeConfigKey}", "--symbols", $"{ConfigMapBuilder.MountPath}/{ConfigMapBuilder.SymbolsKey}"],
            Env =
            [
                new V1EnvVar { Name = "RAFTEX_POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                new V1EnvVar { Name = "RAFTEX_POD_NAMESPACE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
                // The planes listen on the pod's IP (node --config), which also keeps pods sharing one host apart on the local platform.
                new V1EnvVar { Name = "RAFTEX_POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                new V1EnvVar { Name = "RAFTEX_PEER_SERVICE", Value = ChildNames.PeerService(name) },
                new V1EnvVar { Name = "RAFTEX_DATA_DIR", Value = DataMountPath },
            ],
            Ports =
            [
                new V1ContainerPort { Name = "client", ContainerPort = settings.ClientPort, Protocol = "TCP" },
                new V1ContainerPort { Name = "peer", ContainerPort = settings.PeerPort, Protocol = "TCP" },
                new V1ContainerPort { Name = "admin", ContainerPort = settings.AdminPort, Protocol = "TCP" },
                new V1ContainerPort { Name = "http", ContainerPort = settings.HttpPort, Protocol = "TCP" },
            ],
            Resources = resources,
            LivenessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = "http" },
                PeriodSeconds = 10,
                TimeoutSeconds = 2,
                FailureThreshold = 6,
            },
            ReadinessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/readyz", Port = "http" },
                PeriodSeconds = 2,
                TimeoutSeconds = 2,
                FailureThreshold = 2,
            },
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = DataVolume, MountPath = DataMountPath },
                new V1VolumeMount { Name = "config", MountPath = ConfigMapBuilder.MountPath, ReadOnlyProperty = true },
                new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
            ],
        };
    }
}
