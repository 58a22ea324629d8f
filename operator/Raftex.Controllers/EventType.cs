namespace Raftex.Controllers;

/// <summary>The type of a Kubernetes Event.</summary>
public enum EventType
{
    /// <summary>Something expected happened (a step of a rollout, a member added).</summary>
    Normal,

    /// <summary>Something needs attention (a pod not ready in time, an invalid spec).</summary>
    Warning,
}
