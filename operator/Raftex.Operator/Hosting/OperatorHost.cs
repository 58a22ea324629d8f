using k8s;
using Microsoft.Extensions.Logging;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Hosting;

/// <summary>
/// The running operator: an ExchangeCluster informer feeding a controller whose reconciler is
/// <see cref="ExchangeClusterReconciler"/>, optionally behind Lease leader election so that of several replicas
/// only one acts (and stops the moment its renew deadline passes).
/// </summary>
public sealed class OperatorHost(IKubernetes kube, IAdminConnector admin, OperatorOptions options, ILoggerFactory loggers, TimeProvider? time = null, ReconcilerOptions? reconcilerOptions = null)
{
    private LeaderElector? _elector;

    /// <summary>Whether this replica currently reconciles (always true without leader election once running).</summary>
    public bool IsLeading => _elector?.IsLeader ?? _running;

    private volatile bool _running;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var clock = time ?? TimeProvider.System;
        var informer = new Informer<ExchangeCluster>(ExchangeCluster.KindName, new ExchangeClusterClient(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var reconciler = new ExchangeClusterReconciler(kube, admin, clock, reconcilerOptions, logger: loggers.CreateLogger("reconciler"));
        var controller = new Controller<ExchangeCluster>(ExchangeCluster.KindName, informer, reconciler,
            new ControllerOptions { Workers = options.Workers }, clock, loggers.CreateLogger("controller"));

        // The cache is kept warm on every replica, so a newly elected leader starts from a synced informer.
        var informing = informer.RunAsync(cancellationToken);
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
                await _elector.RunAsync(controller.RunAsync, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _running = true;
                await controller.RunAsync(cancellationToken).ConfigureAwait(false);
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
