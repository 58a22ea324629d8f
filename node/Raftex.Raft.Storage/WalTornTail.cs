namespace Raftex.Raft.Storage;

/// <summary>What replay cut from the end of the last segment: the bytes after the last valid record, up to the last non-zero one.</summary>
/// <param name="SegmentPath">The segment that was cut (always the last one).</param>
/// <param name="Offset">Byte offset of the first discarded byte: the segment now ends here.</param>
/// <param name="Bytes">Discarded bytes, up to the last non-zero one (trailing zeros are preallocated space, not data).</param>
/// <param name="Records">Records the discarded bytes start, each framed by its length field; the last may be cut short.</param>
/// <param name="CompleteRecords">
/// Discarded records whose whole frame lies within the discarded bytes. A write a crash interrupted leaves at most its
/// last record incomplete and never a complete one with wrong bytes, so a complete discarded record means bytes that
/// were written whole were damaged afterwards, and an fsynced (possibly acknowledged) record may be gone.
/// </param>
public sealed record WalTornTail(string SegmentPath, long Offset, long Bytes, int Records, int CompleteRecords)
{
    /// <summary>Frames the records in a discarded tail (its bytes up to the last non-zero one).</summary>
    internal static WalTornTail Measure(string segmentPath, long offset, ReadOnlySpan<byte> discarded)
    {
        var at = 0;
        var complete = 0;
        while (at < discarded.Length)
        {
            var status = WalRecord.TryRead(discarded, at, out _, out _, out var size);
            if (status is not (RecordReadStatus.BadChecksum or RecordReadStatus.Ok))
            {
                // The frame runs past the discarded bytes, or its length or type is garbage (zeros where a page never
                // reached the disk read as length 0, type 0): the rest is one cut-short record.
                return new WalTornTail(segmentPath, offset, discarded.Length, complete + 1, complete);
            }

            complete++;
            at += size;
        }

        return new WalTornTail(segmentPath, offset, discarded.Length, complete, complete);
    }
}
