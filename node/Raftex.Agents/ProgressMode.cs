namespace Raftex.Agents;

/// <summary>How raftex-agents shows progress while it runs (always on stderr, so stdout carries only the summary).</summary>
internal enum ProgressMode
{
    /// <summary>One line rewritten in place on a terminal; a plain line every 5 s when stderr is redirected.</summary>
    Auto,

    /// <summary>A plain line every 5 s.</summary>
    Plain,

    /// <summary>Nothing until the summary.</summary>
    Off,
}
