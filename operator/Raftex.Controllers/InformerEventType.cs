namespace Raftex.Controllers;

/// <summary>What happened to a cached object.</summary>
public enum InformerEventType
{
    /// <summary>The object appeared.</summary>
    Added,

    /// <summary>The object changed.</summary>
    Updated,

    /// <summary>The object is gone.</summary>
    Deleted,
}
