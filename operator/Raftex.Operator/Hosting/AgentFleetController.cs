using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Hosting;

/// <summary>The AgentFleet half of the operator: its informer, the Deployments it owns, and its controller.</summary>
public sealed class AgentFleetController
{
    private readonly Informer<AgentFleet> _fleets;
    private readonly Informer<V1Deployment> _deployments;
    private readonly Controller<AgentFleet> _controller;

    public AgentFleetController(IKubernetes kube, OperatorOptions options, ILoggerFactory loggers, TimeProvider clock, ReconcilerOptions? reconcilerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _fleets = new Informer<AgentFleet>(AgentFleet.KindName, new CustomResourceClient<AgentFleet>(kube, AgentFleet.Plural, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        _deployments = new Informer<V1Deployment>("Deployment", ChildSources.Deployments(kube, options.Namespace), time: clock, logger: loggers.CreateLogger("informer"));
        var reconciler = new AgentFleetReconciler(kube, clock, reconcilerOptions, loggers.CreateLogger("agentfleet-reconciler"));
        _controller = new Controller<AgentFleet>(AgentFleet.KindName, _fleets, reconciler, new ControllerOptions { Workers = options.Workers }, clock, loggers.CreateLogger("controller"))
            .Owns(_deployments, AgentFleet.KindName);
    }

    /// <summary>Keeps the caches warm (on every replica, leader or not) until cancelled.</summary>
    public Task InformAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_fleets.RunAsync(cancellationToken), _deployments.RunAsync(cancellationToken));

    /// <summary>Reconciles until cancelled (while this replica leads).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _controller.RunAsync(cancellationToken);
}
