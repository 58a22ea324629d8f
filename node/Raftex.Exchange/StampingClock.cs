namespace Raftex.Exchange;

/// <summary>
/// The leader's source of log-time stamps (milliseconds). A leader anchors when it takes office, at the stamp of the last
/// command in its log, and stamps that anchor plus the monotonic time elapsed since, never below its previous stamp. The
/// wall clock is read only to start the log time of a cluster whose log holds no stamp yet; after that no step of any
/// node's wall clock, in either direction and of any size, moves log time. Log time therefore never runs ahead of real
/// elapsed time (README: "Log time and clock steps"), so nothing expires earlier than its retention.
/// </summary>
public sealed class StampingClock
{
    private long _anchorLogTime;
    private long _anchorMonotonic;
    private long _last;

    /// <summary>The last stamp handed out (or the anchor's log time before the first).</summary>
    public long Last => _last;

    /// <summary>
    /// Starts a term of office. <paramref name="lastLogTime"/> is the stamp of the last command in the leader's log, or a
    /// lower bound of it (never a stamp of an entry that is not in the log); <paramref name="monotonicMs"/> and
    /// <paramref name="wallMs"/> are this node's monotonic clock and wall clock (Unix milliseconds) right now.
    /// </summary>
    public void Anchor(long lastLogTime, long monotonicMs, long wallMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastLogTime);
        // Log time 0 means no command was ever stamped, so nothing is remembered that a wrong wall clock could age.
        _anchorLogTime = lastLogTime > 0 ? lastLogTime : Math.Max(0, wallMs);
        _anchorMonotonic = monotonicMs;
        _last = _anchorLogTime;
    }

    /// <summary>The stamp for the next proposal: anchor + monotonic time elapsed since, never below the previous stamp.</summary>
    public long Stamp(long monotonicMs)
    {
        // A monotonic clock does not go back; if a source ever did, log time would only pause, never jump.
        var elapsed = Math.Max(0, monotonicMs - _anchorMonotonic);
        var stamp = _anchorLogTime > long.MaxValue - elapsed ? long.MaxValue : _anchorLogTime + elapsed;
        if (stamp > _last)
        {
            _last = stamp;
        }

        return _last;
    }
}
