using System.Threading.Tasks.Sources;

namespace Raftex.Raft.Storage;

/// <summary>
/// One queued async append and the ValueTask its producer awaits. Pooled by the log: GetResult hands it back,
/// so a steady stream of appends allocates nothing per append.
/// </summary>
internal sealed class AppendWaiter(WriteAheadLog owner) : IValueTaskSource
{
    private readonly Entry[] _single = new Entry[1];

    // Continuations run on the thread pool, never on the flusher thread, so a producer's code cannot stall the next fsync.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    public HardState? HardState { get; private set; }

    public IReadOnlyList<Entry> Entries { get; private set; } = [];

    /// <summary>Why this append alone was refused (bad input); null when it was written.</summary>
    public Exception? Rejection { get; set; }

    public short Version => _core.Version;

    public void Prepare(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        HardState = hardState;
        Entries = entries;
    }

    public void Prepare(Entry entry)
    {
        _single[0] = entry;
        HardState = null;
        Entries = _single;
    }

    public void Complete(Exception? error)
    {
        if (error is null)
        {
            _core.SetResult(true);
        }
        else
        {
            _core.SetException(error);
        }
    }

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _single[0] = default;
            Entries = [];
            HardState = null;
            Rejection = null;
            owner.ReturnWaiter(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
