using System.Globalization;
using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Builders;

/// <summary>
/// Builds an AgentFleet's children: one Deployment of one raftex-agents pod per replica slot. A Deployment's pods
/// have no stable identity, so the slot lives in the Deployment itself: slot i's pod gets seed + i and its own range
/// of accounts, and two pods of a fleet never trade the same account. Recreate (not a rolling update) keeps a slot
/// from ever running two pods at once for the same reason.
/// </summary>
public static class AgentFleetBuilder
{
    /// <summary>Label naming the fleet an object belongs to.</summary>
    public const string FleetLabel = "raftex.io/fleet";
    /// <summary>Label carrying a Deployment's slot (replica index).</summary>
    public const string SlotLabel = "raftex.io/slot";
    /// <summary>Annotation on a Deployment: hash of the pod template it was built with, compared to detect drift.</summary>
    public const string TemplateHash = "raftex.io/template-hash";
    /// <summary>Name of the agents container.</summary>
    public const string Container = "agents";
    /// <summary>Port of /metrics, /healthz and /readyz.</summary>
    public const int MetricsPort = 9464;

    /// <summary>Environment variable holding the pod's IP (downward API), which /metrics binds.</summary>
    public const string PodIpVariable = "RAFTEX_POD_IP";

    /// <summary>The Deployment of slot <paramref name="slot"/>.</summary>
    public static string DeploymentName(string fleet, int slot) => $"{fleet}-{slot.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Agents in each pod: the sum of the strategies' counts.</summary>
    public static int AgentsPerPod(AgentFleetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Strategies.Sum(s => s.Count);
    }

    /// <summary>The client Service address of <paramref name="cluster"/>, as pods in its namespace reach it.</summary>
    public static string ClusterAddress(ExchangeCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var port = ClusterSettings.From(cluster.Spec).ClientPort.ToString(CultureInfo.InvariantCulture);
        return $"{ChildNames.ClientService(cluster.Metadata.Name)}.{cluster.Metadata.NamespaceProperty}.svc:{port}";
    }

    /// <summary>The command-line name of a strategy type (raftex-agents --strategy).</summary>
    public static string StrategyName(AgentStrategyType type) => type switch
    {
        AgentStrategyType.MarketMaker => "market-maker",
        AgentStrategyType.Momentum => "momentum",
        AgentStrategyType.Noise => "noise",
        AgentStrategyType.Arbitrage => "arbitrage",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown strategy type"),
    };

    /// <summary>raftex-agents' arguments for slot <paramref name="slot"/>.</summary>
    public static IReadOnlyList<string> Args(AgentFleet fleet, ExchangeCluster cluster, int slot)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(cluster);
        var spec = fleet.Spec;
        var args = new List<string>
        {
            "--cluster", ClusterAddress(cluster),
            "--symbols", string.Join(',', cluster.Spec.Symbols.Select(s => s.Name)),
        };
        foreach (var s in spec.Strategies)
        {
            var options = new List<string>();
            if (s.Symbols is { Count: > 0 } symbols)
            {
                options.Add("symbols=" + string.Join('/', symbols));
            }

            options.AddRange((s.Parameters ?? new Dictionary<string, long>()).OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}"));
            args.AddRange(["--strategy", $"{StrategyName(s.Type)}={s.Count.ToString(CultureInfo.InvariantCulture)}" + (options.Count > 0 ? ":" + string.Join(',', options) : string.Empty)]);
        }

        args.AddRange(
        [
            "--seed", ((spec.Seed ?? 1) + slot).ToString(CultureInfo.InvariantCulture),
            "--account-base", ((spec.AccountBase ?? 1_000_000) + ((long)slot * AgentsPerPod(spec))).ToString(CultureInfo.InvariantCulture),
            "--rate", spec.OrderRatePerAgent ?? "1",
        ]);
        if (spec.StartingFunds is { Count: > 0 } funds)
        {
            args.AddRange(["--funds", Amounts(funds)]);
        }

        if (spec.StartingPrices is { Count: > 0 } prices)
        {
            args.AddRange(["--prices", Amounts(prices)]);
        }

        if (spec.Duration is { } duration)
        {
            // After its run the pod stays up (not ready) with its final metrics, instead of exiting into a restart.
            args.AddRange(["--duration", duration, "--linger"]);
        }

        // The pod's IP (the kubelet expands $(RAFTEX_POD_IP) from the env below), so pods sharing one host never collide.
        args.AddRange(["--metrics-address", "$(" + PodIpVariable + ")", "--metrics-port", MetricsPort.ToString(CultureInfo.InvariantCulture), "--progress", "plain"]);
        return args;
    }

    /// <summary>The labels that select slot <paramref name="slot"/>'s pod.</summary>
    public static SortedDictionary<string, string> Selector(string fleet, int slot) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/instance"] = fleet,
        ["app.kubernetes.io/name"] = "raftex-agents",
        [FleetLabel] = fleet,
        [SlotLabel] = slot.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The Deployment of slot <paramref name="slot"/>: one pod running raftex-agents against <paramref name="cluster"/>.</summary>
    public static V1Deployment Deployment(AgentFleet fleet, ExchangeCluster cluster, int slot)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var name = fleet.Metadata.Name;
        var labels = Selector(name, slot);
        labels["app.kubernetes.io/component"] = "trading-agents";
        labels["app.kubernetes.io/managed-by"] = "raftex-operator";
        labels["app.kubernetes.io/part-of"] = "raftex";
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = labels },
            Spec = new V1PodSpec
            {
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = StatefulSetBuilder.RunAsUser,
                    RunAsGroup = StatefulSetBuilder.RunAsUser,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                // SIGTERM stops the loops, cancels what rests and prints the summary: seconds, not minutes.
                TerminationGracePeriodSeconds = 30,
                Containers = [AgentsContainer(fleet, cluster, slot)],
                // The root filesystem is read-only; the runtime still needs a writable /tmp.
                Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
            },
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = DeploymentName(name, slot),
                NamespaceProperty = fleet.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [TemplateHash] = CanonicalHash.Of(template) },
                OwnerReferences = [Ownership.ControllerOf(fleet)],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = Selector(name, slot) },
                Template = template,
            },
        };
    }

    /// <summary>Every Deployment the fleet should have, slots 0..replicas-1.</summary>
    public static IReadOnlyList<V1Deployment> Build(AgentFleet fleet, ExchangeCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return [.. Enumerable.Range(0, fleet.Spec.Replicas ?? 1).Select(slot => Deployment(fleet, cluster, slot))];
    }

    private static V1Container AgentsContainer(AgentFleet fleet, ExchangeCluster cluster, int slot) => new()
    {
        Name = Container,
        Image = fleet.Spec.Image ?? AgentFleetSpec.DefaultImage,
        Args = [.. Args(fleet, cluster, slot)],
        Env = [new V1EnvVar { Name = PodIpVariable, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } }],
        Ports = [new V1ContainerPort { Name = "metrics", ContainerPort = MetricsPort, Protocol = "TCP" }],
        LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = "metrics" }, PeriodSeconds = 10, TimeoutSeconds = 2, FailureThreshold = 6 },
        ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/readyz", Port = "metrics" }, PeriodSeconds = 5, TimeoutSeconds = 2, FailureThreshold = 2 },
        SecurityContext = new V1SecurityContext
        {
            RunAsNonRoot = true,
            ReadOnlyRootFilesystem = true,
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        },
        VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
    };

    private static string Amounts(IDictionary<string, long> amounts) =>
        string.Join(',', amounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}"));
}
