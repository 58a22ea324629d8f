namespace Raftex.Controllers;

/// <summary>What a status write did.</summary>
public enum StatusWriteOutcome
{
    /// <summary>The status was written.</summary>
    Written,

    /// <summary>Nothing changed; no call was made.</summary>
    Unchanged,

    /// <summary>Only volatile fields changed and the last write was too recent; requeue after the given delay to write them.</summary>
    Throttled,

    /// <summary>The object no longer exists.</summary>
    NotFound,
}
