namespace Raftex.Bench.Engine;

/// <summary>Encoded entries stored back to back, as a Raft log segment would hold them.</summary>
internal sealed class EntryLog(int capacity)
{
    private byte[] _bytes = new byte[capacity * 64];
    private readonly int[] _offsets = new int[capacity + 1];

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> entry)
    {
        var start = _offsets[Count];
        if (start + entry.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, _bytes.Length * 2);
        }

        entry.CopyTo(_bytes.AsSpan(start));
        _offsets[++Count] = start + entry.Length;
    }

    public ReadOnlySpan<byte> this[int i] => _bytes.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);
}
