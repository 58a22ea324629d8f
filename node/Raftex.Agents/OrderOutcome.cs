namespace Raftex.Agents;

/// <summary>How one command an agent sent ended.</summary>
internal enum OrderOutcome
{
    /// <summary>A new order was accepted (it may have filled, rested, or had its IOC remainder cancelled).</summary>
    Accepted,

    /// <summary>The engine rejected it (a committed outcome with a reason).</summary>
    Rejected,

    /// <summary>A cancel took an order off the book.</summary>
    Cancelled,

    /// <summary>A cancel-replace moved an order.</summary>
    Replaced,

    /// <summary>Refused before it was proposed, or no report came (the node's error).</summary>
    Error,
}
