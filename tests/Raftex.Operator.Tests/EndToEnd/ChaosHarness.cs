using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Raftex.Chaos;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Chaos;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// An <see cref="OperatorHarness"/> whose ExchangeCluster has converged (real pod objects in the embedded API server,
/// fake nodes behind real gRPC Admin), plus the real ChaosExperiment reconciler on a fake clock with a fake probe
/// account. Experiments are stepped one reconcile at a time; after each, pods and nodes react and the clock moves on
/// by the requeue delay the reconciler asked for, so a 10 s fault takes a handful of steps and no wall time.
/// </summary>
internal sealed class ChaosHarness : IAsyncDisposable
{
    public const string Ns = OperatorHarness.Ns;
    public const string Cluster = OperatorHarness.Name;

    // One second between steps while a fault is held: few steps per experiment, still several probe batches.
    private static readonly ChaosEngineOptions Pacing = new() { ActivePoll = TimeSpan.FromSeconds(1), ProbeBatch = 2 };

    private ChaosHarness(OperatorHarness h)
    {
        Operator = h;
        Probes = new FakeProbeConnector(h.Raft);
        Reconciler = NewReconciler();
    }

    public OperatorHarness Operator { get; }
    public FakeRaftCluster Raft => Operator.Raft;
    public IKubernetes Kube => Operator.Kube;
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 7, 2, 59, 30, TimeSpan.Zero));
    public FakeProbeConnector Probes { get; }
    public FakeLedger Ledger => Probes.Ledger;
    public ChaosExperimentReconciler Reconciler { get; private set; }

    /// <summary>Starts the API server and fake nodes and converges a 3-node cluster (leader node 1, pod xc1-0).</summary>
    public static async Task<ChaosHarness> StartAsync()
    {
        var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();
        return new ChaosHarness(h);
    }

    /// <summary>An operator restart: a new reconciler that knows nothing but what the API server holds.</summary>
    public void RestartOperator() => Reconciler = NewReconciler();

    /// <summary>The experiment of <c>examples/chaos-{action}.yaml</c>, aimed at this harness's cluster.</summary>
    public static ChaosExperimentSpec Example(string action)
    {
        var file = Path.Combine(RepoRoot.Find(), "examples", $"chaos-{action}.yaml");
        var (_, spec, errors) = ChaosYaml.Parse(File.ReadAllText(file), file);
        Assert.Empty(errors);
        spec!.ClusterRef = Cluster;
        return spec;
    }

    public async Task<ChaosExperiment> CreateAsync(string name, ChaosExperimentSpec spec, params string[] finalizers)
    {
        var experiment = new ChaosExperiment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Finalizers = finalizers.Length > 0 ? finalizers : null },
            Spec = spec,
        };
        return await Kube.CustomObjects.CreateNamespacedCustomObjectAsync<ChaosExperiment>(experiment, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ChaosExperiment.Plural);
    }

    public Task<ChaosExperiment> GetAsync(string name) =>
        Kube.CustomObjects.GetNamespacedCustomObjectAsync<ChaosExperiment>(ExchangeCluster.Group, ExchangeCluster.Version, Ns, ChaosExperiment.Plural, name);

    /// <summary>One reconcile of <paramref name="name"/>, then pods and nodes react and the clock advances by the requeue delay.</summary>
    public async Task<ReconcileResult> StepAsync(string name)
    {
        var result = await Reconciler.ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None);
        Assert.True(result.Outcome != ReconcileOutcome.Error, $"reconcile of {name} failed: {result.ErrorMessage}");
        await Operator.Pods.SyncAsync();
        Time.Advance(result.Outcome == ReconcileOutcome.RequeueAfter && result.Delay > TimeSpan.Zero ? result.Delay : TimeSpan.FromMilliseconds(100));
        return result;
    }

    /// <summary>Steps <paramref name="name"/> until <paramref name="done"/> holds, failing with its status after <paramref name="maxSteps"/>.</summary>
    public async Task<ChaosExperiment> RunUntilAsync(string name, Func<ChaosExperiment, bool> done, int maxSteps = 200)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            await StepAsync(name);
            var experiment = await GetAsync(name);
            if (done(experiment))
            {
                return experiment;
            }
        }

        var last = await GetAsync(name);
        throw new Xunit.Sdk.XunitException($"{name} not done after {maxSteps} steps; status {KubernetesJson.Serialize(last.Status)}; calls {string.Join(", ", Raft.Calls)}");
    }

    /// <summary>Steps <paramref name="name"/> to its verdict; also returns every node's faults as first seen in phase Injected (null if never).</summary>
    public async Task<(ChaosExperiment Done, Dictionary<ulong, IReadOnlyList<Protocol.V1.Fault>>? Held)> RunToVerdictAsync(string name)
    {
        Dictionary<ulong, IReadOnlyList<Protocol.V1.Fault>>? held = null;
        var done = await RunUntilAsync(name, e =>
        {
            if (InPhase(e, ChaosPhase.Injected)) { held ??= Faults(); }
            return HasVerdict(e);
        });
        return (done, held);
    }

    public static bool HasVerdict(ChaosExperiment e) => e.Status?.Verdict is not null;

    public static bool InPhase(ChaosExperiment e, ChaosPhase phase) => e.Status?.Phase == phase;

    /// <summary>The events recorded about <paramref name="name"/> (any kind), oldest first.</summary>
    public async Task<List<Corev1Event>> EventsAsync(string name) =>
        [.. (await Kube.CoreV1.ListNamespacedEventAsync(Ns)).Items.Where(e => e.InvolvedObject.Name == name).OrderBy(e => e.FirstTimestamp ?? e.EventTime)];

    /// <summary>The faults every node holds now, by node id.</summary>
    public Dictionary<ulong, IReadOnlyList<Protocol.V1.Fault>> Faults() =>
        Enumerable.Range(1, 3).Select(i => (ulong)i).ToDictionary(id => id, Raft.Faults);

    private ChaosExperimentReconciler NewReconciler() =>
        new(Kube, Operator.Connector, Probes, Time, Pacing, () => new Random(42));

    public async ValueTask DisposeAsync() => await Operator.DisposeAsync();
}
