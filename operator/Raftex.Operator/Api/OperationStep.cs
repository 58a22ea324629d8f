using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>Where an operation stands; each step is recorded before its action is taken.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationStep>))]
public enum OperationStep
{
    /// <summary>A pod was (or is being) evicted; waiting for its replacement to be ready and caught up.</summary>
    Restarting,
    /// <summary>Leadership is being moved off a pod that must go down.</summary>
    TransferringLeadership,
    /// <summary>Supervised strategy: waiting for the user to approve the leader's restart.</summary>
    AwaitingApproval,
    /// <summary>StatefulSet replicas raised; waiting for the new pod to answer.</summary>
    AddingReplica,
    /// <summary>The new pod is being added as a learner.</summary>
    AddingLearner,
    /// <summary>The learner is catching up; promoted once within the lag.</summary>
    CatchingUp,
    /// <summary>The member is being removed from the Raft configuration.</summary>
    RemovingMember,
    /// <summary>StatefulSet replicas lowered; waiting for the pod to go.</summary>
    RemovingReplica,
}
