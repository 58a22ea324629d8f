using System.Text;

namespace Raftex.Raft.Storage.Tests;

/// <summary>Small builders and readers shared by the storage tests.</summary>
internal static class Log
{
    public static Entry Entry(long index, long term, string text = "") =>
        new(index, term, EntryType.Normal, Encoding.UTF8.GetBytes(text.Length == 0 ? $"cmd-{index}-{term}" : text));

    public static Entry[] Entries(long from, long to, long term) =>
        Enumerable.Range(0, (int)(to - from + 1)).Select(i => Entry(from + i, term)).ToArray();

    /// <summary>Index, term, type and data of each entry, in a form that compares by value.</summary>
    public static string[] Describe(IEnumerable<Entry> entries) =>
        entries.Select(e => $"{e.Index}/{e.Term}/{e.Type}/{Convert.ToHexString(e.Data.Span)}").ToArray();

    public static string[] SegmentFiles(string directory) =>
        Directory.GetFiles(directory, "*.wal").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Offsets at which each record of a segment starts, plus the end of the last one.</summary>
    public static List<int> RecordBoundaries(byte[] segment)
    {
        var boundaries = new List<int>();
        var offset = SegmentHeader.Size;
        boundaries.Add(offset);
        while (offset < segment.Length)
        {
            Assert.Equal(RecordReadStatus.Ok, WalRecord.TryRead(segment, offset, out _, out _, out var size));
            offset += size;
            boundaries.Add(offset);
        }

        return boundaries;
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            if (System.IO.Path.GetFileName(file) != WriteAheadLog.LockFileName)
            {
                File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
            }
        }
    }
}
