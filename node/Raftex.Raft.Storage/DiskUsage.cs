namespace Raftex.Raft.Storage;

/// <summary>Bytes the files of one directory take, for metrics read while the log or snapshots are being written.</summary>
internal static class DiskUsage
{
    public static long Of(string directory)
    {
        long total = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            try
            {
                total += new FileInfo(path).Length;
            }
            catch (FileNotFoundException)
            {
                // Deleted between listing and measuring (a released segment, a pruned snapshot): it takes nothing now.
            }
        }

        return total;
    }
}
