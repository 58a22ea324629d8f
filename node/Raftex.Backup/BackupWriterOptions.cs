namespace Raftex.Backup;

/// <summary>How <see cref="BackupWriter"/> takes a backup.</summary>
public sealed record BackupWriterOptions
{
    /// <summary>
    /// The default pace, 8 MiB/s: a 96.5 MiB snapshot (1,000,000 resting orders, 100,000 accounts) streams in about 12 s,
    /// and order flow kept the most of its rate in the bench at this pace (see the README's figures).
    /// </summary>
    public const long DefaultBytesPerSecond = 8L << 20;

    /// <summary>The options the operator and the tools use unless told otherwise.</summary>
    public static BackupWriterOptions Default { get; } = new();

    /// <summary>
    /// At most this many bytes a second are taken from the member and written to the store (paced between the member's
    /// chunks), so the member's and the store's disks serve order flow first; null takes it as fast as they allow.
    /// </summary>
    public long? BytesPerSecond { get; init; } = DefaultBytesPerSecond;

    /// <summary>Throws <see cref="ArgumentException"/> when the options are not usable.</summary>
    public void Validate()
    {
        if (BytesPerSecond is <= 0)
        {
            throw new ArgumentException($"BytesPerSecond must be positive (or null for no limit), got {BytesPerSecond}", nameof(BytesPerSecond));
        }
    }
}
