namespace Raftex.Operator.Hosting;

/// <summary>
/// Every Kubernetes API permission the operator's controllers use, and nothing more. The Helm chart's RBAC must grant
/// exactly these (a chart test renders it and compares), so a controller that starts calling something new adds the
/// entry here and the chart follows. Each entry names the calls that need it.
/// </summary>
public static class OperatorPermissions
{
    /// <summary>The operator's permissions.</summary>
    public static readonly IReadOnlyList<OperatorPermission> All =
    [
        // ExchangeClusterClient: the informer lists and watches clusters; the reconciler and the status writer get one fresh.
        new("raftex.io", "exchangeclusters", ["get", "list", "watch"], PermissionScope.Watched),
        // StatusWriter via ExchangeClusterClient.ReplaceStatusAsync: status is written through the status subresource.
        new("raftex.io", "exchangeclusters/status", ["update"], PermissionScope.Watched),
        // ChildSources.Pods (the informer that wakes a cluster when its pods change) ExchangeClusterReconciler.ObservePodsAsync (list); PodChaosCluster lists a cluster's pods and deletes one for a PodKill with a short grace period.
        new(string.Empty, "pods", ["list", "watch", "delete"], PermissionScope.Watched),
        // ExchangeClusterReconciler.EvictAsync: rolling restarts and scale-down evict through the Eviction API, so PDBs arbitrate.
        new(string.Empty, "pods/eviction", ["create"], PermissionScope.Watched),
        // ChildApplier.StatefulSetAsync (read, create, replace), ExchangeClusterReconciler.SetReplicasAsync and ReadStatefulSetAsync, the informer.
        new("apps", "statefulsets", ["get", "list", "watch", "create", "update"], PermissionScope.Watched),
        // ChildApplier.ServiceAsync (peer and client Services) and the Service informer.
        new(string.Empty, "services", ["get", "list", "watch", "create", "update"], PermissionScope.Watched),
        // ChildApplier.ConfigMapAsync, ExchangeClusterReconciler.ReadConfigMapAsync (cluster-id recovery), the informer.
        new(string.Empty, "configmaps", ["get", "list", "watch", "create", "update"], PermissionScope.Watched),
        // ChildApplier.DisruptionBudgetAsync (read, create, replace) and DeleteDisruptionBudgetAsync (a single voter has none).
        new("policy", "poddisruptionbudgets", ["get", "create", "update", "delete"], PermissionScope.Watched),
        // CustomResourceClient<AgentFleet>: the informer lists and watches fleets; AgentFleetReconciler gets one fresh.
        new("raftex.io", "agentfleets", ["get", "list", "watch"], PermissionScope.Watched),
        // StatusWriter via CustomResourceClient<AgentFleet>.ReplaceStatusAsync.
        new("raftex.io", "agentfleets/status", ["update"], PermissionScope.Watched),
        // ChildApplier.DeploymentAsync (read, create, replace), AgentFleetReconciler's scale-down (delete) and the Deployment informer.
        new("apps", "deployments", ["get", "list", "watch", "create", "update", "delete"], PermissionScope.Watched),
        // CustomResourceClient<ChaosExperiment>: the informer, ChaosExperimentReconciler's fresh read, ActiveExperiments (the
        // one-experiment-per-cluster rule and the rollout pause), and the finalizer added and removed by replacing the object.
        new("raftex.io", "chaosexperiments", ["get", "list", "watch", "update"], PermissionScope.Watched),
        // StatusWriter via CustomResourceClient<ChaosExperiment>.ReplaceStatusAsync: the experiment's progress and verdict.
        new("raftex.io", "chaosexperiments/status", ["update"], PermissionScope.Watched),
        // CustomResourceClient<ExchangeBackup>: the informer and ExchangeBackupReconciler's fresh read, the finalizer edits (update),
        // BackupScheduler (create on schedule, list for retention, delete what retention prunes), restore's read of spec.bootstrap.fromBackup.backup.
        new("raftex.io", "exchangebackups", ["get", "list", "watch", "create", "update", "delete"], PermissionScope.Watched),
        // StatusWriter via CustomResourceClient<ExchangeBackup>.ReplaceStatusAsync: phase, manifest fields, conditions.
        new("raftex.io", "exchangebackups/status", ["update"], PermissionScope.Watched),
        // KubernetesBackupStoreFactory.ReadCredentialsAsync: an S3 store's credentials Secret.
        new(string.Empty, "secrets", ["get"], PermissionScope.Watched),
        // EventRecorder via KubernetesEventSink: creates an Event, replaces it to count a repeat.
        new(string.Empty, "events", ["create", "update"], PermissionScope.Watched),
        // LeaderElector via LeaseClient: reads, creates and renews the leader-election Lease.
        new("coordination.k8s.io", "leases", ["get", "create", "update"], PermissionScope.OperatorNamespace),
    ];
}
