using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>The step of the operation in flight, written to status before the step's action is taken.</summary>
[Description("The operation in flight (rollout, scaling or member replacement), recorded before each action so an operator restart resumes it.")]
public sealed record OperationProgress
{
    [Description("Operation being performed.")]
    public OperationKind Kind { get; init; }

    [Description("Current step of the operation.")]
    public OperationStep Step { get; init; }

    [Description("Pod template revision the rollout is converging to.")]
    public string? TargetRevision { get; init; }

    [Description("Pod the step acts on.")]
    public string? Pod { get; init; }

    [Description("UID of that pod when the step was recorded; an eviction carries it as precondition and a different UID means the pod was replaced.")]
    public string? PodUid { get; init; }

    [Description("Raft node id the step acts on (pod ordinal + 1).")]
    public long? NodeId { get; init; }

    [Description("Node id leadership is being transferred to.")]
    public long? TransferTo { get; init; }

    [Description("Incarnation of the member being replaced (ReplaceMember).")]
    public string? Incarnation { get; init; }

    [Description("When this step started; the readiness timeout counts from here.")]
    public DateTime? StartedAt { get; init; }

    [Description("True when the step timed out: the operation stopped and the cluster is Degraded.")]
    public bool? Stopped { get; init; }

    [Description("Human-readable explanation of the step.")]
    public string? Message { get; init; }
}
