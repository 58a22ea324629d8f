using k8s;
using Microsoft.Extensions.Logging;
using Raftex.Chaos;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Chaos;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Hosting;

/// <summary>
/// The running operator: an ExchangeCluster informer feeding a controller whose reconciler is
/// <see cref="ExchangeClusterReconciler"/>, optionally behind Lease leader election so that of several replicas
/// only one acts (and stops the moment its renew deadline passes).
/// </summary>
public sealed class OperatorHost(IKubernetes kube, IAdminConnector admin, OperatorOptions options, ILoggerFactory loggers, TimeProvider? time = null, ReconcilerOptions? reconcilerOptions = null,
    IProbeConnector? probes = null, ChaosEngineOptions? chaosOptions = null, IBackupStoreFactory? backupStores = null)
{
    private LeaderElector? _elector;

    /// <summary>Whether this replica currently reconciles (always true without leader election once running).</summary>
    public bool IsLeading => _elector?.IsLeader ?? _running;

    private volatile bool _running;

    private static IEnumerable<ObjectKey> ClusterOf(k8s.Models.V1Pod pod) =>
        pod.Metadata.Labels is { } labels && labels.TryGetValue(Builders.ChildLabels.Cluster, out var cluster)
            ? [new ObjectKey(pod.Metadata.NamespaceProperty ?? string.Empty, cluster)]
            : [];

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var clock = time ?? TimeProvider.System;
        var informer = new Informer<ExchangeCluster>(ExchangeCluster.KindName, new ExchangeClusterClient(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var stores = backupStores ?? new KubernetesBackupStoreFactory(kube);
        var reconciler = new ExchangeClusterReconciler(kube, admin, clock, reconcilerOptions, logger: loggers.CreateLogger("reconciler"), backupStores: stores);
        var controller = new Controller<ExchangeCluster>(ExchangeCluster.KindName, informer, reconciler,
            new ControllerOptions { Workers = options.Workers }, clock, loggers.CreateLogger("controller"));

        // Children wake their cluster: pods by label (their owner is the StatefulSet), the rest by owner reference.
        var pods = new Informer<k8s.Models.V1Pod>("Pod", ChildSources.Pods(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var statefulSets = new Informer<k8s.Models.V1StatefulSet>("StatefulSet", ChildSources.StatefulSets(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var services = new Informer<k8s.Models.V1Service>("Service", ChildSources.Services(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var configMaps = new Informer<k8s.Models.V1ConfigMap>("ConfigMap", ChildSources.ConfigMaps(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        controller
            .Watches(pods, ClusterOf)
            .Owns(statefulSets, ExchangeCluster.KindName)
            .Owns(services, ExchangeCluster.KindName)
            .Owns(configMaps, ExchangeCluster.KindName);
        var fleets = new AgentFleetController(kube, options, loggers, clock, reconcilerOptions);

        // ChaosExperiments: their own controller; the finalizer heals an experiment deleted before its end.
        using var ownedProbes = probes is null ? new DnsProbeConnector() : null;
        var chaosReconciler = new ChaosExperimentReconciler(kube, admin, probes ?? ownedProbes!, clock, chaosOptions, logger: loggers.CreateLogger("chaos"));
        var experiments = new Informer<ChaosExperiment>(ChaosExperiment.KindName,
            new CustomResourceClient<ChaosExperiment>(kube, ChaosExperiment.Plural, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var chaos = new Controller<ChaosExperiment>(ChaosExperiment.KindName, experiments, chaosReconciler,
            new ControllerOptions { Workers = options.Workers }, clock, loggers.CreateLogger("controller"))
            .WithFinalizer(chaosReconciler, chaosReconciler.Client);
        using var chaosMetrics = ChaosMetrics.Register(() => ChaosCounts.Verdicts(experiments.Cache.List()), () => ChaosCounts.FaultsActive(experiments.Cache.List()));

        // ExchangeBackups: their own controller; the finalizer deletes a backup's stored data with the object.
        var backupReconciler = new ExchangeBackupReconciler(kube, admin, stores, clock, logger: loggers.CreateLogger("backup"));
        var backups = new Informer<ExchangeBackup>(ExchangeBackup.KindName,
            new CustomResourceClient<ExchangeBackup>(kube, ExchangeBackup.Plural, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var backupController = new Controller<ExchangeBackup>(ExchangeBackup.KindName, backups, backupReconciler,
            new ControllerOptions { Workers = options.Workers }, clock, loggers.CreateLogger("controller"))
            .WithFinalizer(backupReconciler, backupReconciler.Client);

        // Caches are kept warm on every replica, so a newly elected leader starts from synced informers.
        var informing = Task.WhenAll(informer.RunAsync(cancellationToken), pods.RunAsync(cancellationToken),
            statefulSets.RunAsync(cancellationToken), services.RunAsync(cancellationToken), configMaps.RunAsync(cancellationToken),
            fleets.InformAsync(cancellationToken), experiments.RunAsync(cancellationToken), backups.RunAsync(cancellationToken));
        Task RunControllers(CancellationToken ct) => Task.WhenAll(controller.RunAsync(ct), fleets.RunAsync(ct), chaos.RunAsync(ct), backupController.RunAsync(ct));
        try
        {
            if (options.LeaderElection)
            {
                _elector = new LeaderElector(new LeaseClient(kube), new LeaderElectionOptions
                {
                    Namespace = options.LeaseNamespace,
                    LeaseName = options.LeaseName,
                    Identity = options.Identity,
                }, clock, loggers.CreateLogger("leader-election"));
                await _elector.RunAsync(RunControllers, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _running = true;
                await RunControllers(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _running = false;
            try
            {
                await informing.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown.
            }
        }
    }
}
