using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>
/// The storage Raft reads, with a read budget per step: a core loop that keeps reading the log without getting
/// anywhere fails its seed with a precise message instead of spinning the sweep forever.
/// </summary>
internal sealed class BudgetedStorage(MemoryStorage inner, long readsPerStep) : IRaftStorage
{
    private long _reads;

    /// <summary>A new step (tick, delivery, fsync completion) gets a fresh budget.</summary>
    public void StartStep() => _reads = 0;

    public (HardState HardState, ConfState ConfState) InitialState() => inner.InitialState();

    public IReadOnlyList<Entry> Entries(long lo, long hi, long maxBytes)
    {
        Spend("Entries", lo, hi);
        return inner.Entries(lo, hi, maxBytes);
    }

    public long Term(long index)
    {
        Spend("Term", index, index + 1);
        return inner.Term(index);
    }

    public long FirstIndex() => inner.FirstIndex();

    public long LastIndex() => inner.LastIndex();

    public Snapshot Snapshot() => inner.Snapshot();

    private void Spend(string call, long lo, long hi)
    {
        if (++_reads > readsPerStep)
        {
            throw new StepBudgetExceededException($"one step made over {readsPerStep} storage reads (the last: {call} of [{lo}, {hi})): a loop in the core is not making progress");
        }
    }
}
