using System.Collections.Concurrent;
using Raftex.Client;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Recovery;

/// <summary>
/// Sees a lost quorum and carries out a recovery only when a user asks for it. A cluster that once had a leader and whose
/// reachable voters have been a minority, with no leader known, for <see cref="Grace"/> gets <c>QuorumLost=True</c>; the
/// guard never acts on its own. The annotation <see cref="Annotation"/>, whose value must be the cluster's name, asks for
/// the recovery: the survivor with the most up-to-date log is forced as sole voter through Admin <c>ForceNewCluster</c>,
/// and the cluster grows back through the planner's learner path.
/// </summary>
public sealed class QuorumGuard(IAdminConnector admin)
{
    /// <summary>The condition type.</summary>
    public const string Condition = "QuorumLost";

    /// <summary>The annotation that asks for a forced recovery; its value must be the cluster's name.</summary>
    public const string Annotation = "raftex.io/force-new-cluster";

    private readonly ConcurrentDictionary<string, DateTime> _lostSince = new(StringComparer.Ordinal);

    /// <summary>How long a lost quorum must persist before it is reported: past a pod restart or an election.</summary>
    public static TimeSpan Grace(ClusterSettings settings) => TimeSpan.FromMilliseconds(5L * settings.ElectionTimeoutMs);

    /// <summary>Whether the cluster's quorum is lost now, for good enough to say so (tracked per cluster across reconciles).</summary>
    public bool Confirmed(ExchangeCluster cluster, QuorumAssessment assessment, ClusterSettings settings, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(assessment);
        var uid = cluster.Metadata.Uid ?? cluster.Metadata.Name;
        // A cluster still being created has never had a quorum to lose.
        if (!assessment.QuorumLost || cluster.Status?.CommitIndex is not > 0)
        {
            _lostSince.TryRemove(uid, out _);
            return false;
        }

        var since = _lostSince.GetOrAdd(uid, now);
        return now - since >= Grace(settings);
    }

    /// <summary>The condition's reason and message for <paramref name="assessment"/>.</summary>
    public static (bool Lost, string Reason, string Message) Describe(ExchangeCluster cluster, QuorumAssessment assessment, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(assessment);
        if (!confirmed)
        {
            return (false, "QuorumAvailable", assessment.QuorumLost ? $"not (yet) judged lost: {assessment.Summary}" : assessment.Summary);
        }

        var name = cluster.Metadata.Name;
        var how = assessment.Survivor is { } survivor
            ? $"nothing is done on its own. To recover from node {survivor} ({ChildNames.Pod(name, ChildNames.Ordinal(survivor))}, the most up-to-date log), losing what only the lost members held: " +
              $"kubectl annotate exchangecluster {name} {Annotation}={name} (see the README's quorum-loss runbook); or restore a backup into a new cluster"
            : "no voter is reachable to recover from: restore a backup into a new cluster";
        return (true, "MajorityLost", $"{assessment.Summary}. {how}");
    }

    /// <summary>
    /// Checks a recovery request against the annotation and the assessment: the survivor to force, or why nothing is to be done.
    /// The caller removes the annotation whatever the answer, so a request is acted on once and a refused one can be made again.
    /// </summary>
    public static (ulong? Survivor, string? Refusal) Check(ExchangeCluster cluster, QuorumAssessment assessment, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(assessment);
        var name = cluster.Metadata.Name;
        var value = cluster.Metadata.Annotations is { } annotations && annotations.TryGetValue(Annotation, out var v) ? v : null;
        if (value != name)
        {
            return (null, $"annotation {Annotation}='{value}' must name the cluster ('{name}') to confirm the recovery; nothing was done");
        }

        if (!confirmed)
        {
            return (null, $"the quorum is not lost ({assessment.Summary}); nothing was done");
        }

        return assessment.Survivor is { } survivor
            ? (survivor, null)
            : (null, "no voter is reachable to recover from; nothing was done (restore a backup into a new cluster)");
    }

    /// <summary>Forces <paramref name="survivor"/> as sole voter; the outcome carries the status to record, or why it failed.</summary>
    public async Task<RecoveryOutcome> ForceAsync(ExchangeCluster cluster, ulong survivor, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var name = cluster.Metadata.Name;
        var result = await admin.For(cluster, ChildNames.Ordinal(survivor)).ForceNewClusterAsync(survivor, ct).ConfigureAwait(false);
        if (!result.IsOk)
        {
            return RecoveryOutcome.Refused($"node {survivor} refused ForceNewCluster: {result}");
        }

        var r = result.Value!;
        var status = new RecoveryStatus
        {
            NodeId = (long)survivor,
            Index = (long)r.Index,
            Term = (long)r.Term,
            LastIndexBefore = (long)r.LastIndexBefore,
            CommitIndexBefore = (long)r.CommitIndexBefore,
            At = now,
        };
        var message = $"node {survivor} ({ChildNames.Pod(name, ChildNames.Ordinal(survivor))}) is now the sole voter in term {r.Term}, incarnation {r.Incarnation}; " +
            $"its log up to index {r.LastIndexBefore} is kept and committed (it knew commit {r.CommitIndexBefore}) and the cluster continues from index {r.Index}. " +
            "Entries only the lost members held are lost. The other pods rejoin as learners and are promoted.";
        return new RecoveryOutcome(status, message);
    }
}

/// <summary>What a recovery request came to: the recovery done (<see cref="Status"/> set), or why nothing was done.</summary>
public sealed record RecoveryOutcome(RecoveryStatus? Status, string Message)
{
    public static RecoveryOutcome Refused(string message) => new(null, message);
}
