using System.Runtime.InteropServices;

namespace Raftex.Raft.Storage;

/// <summary>fsync of a directory, so a file creation, rename or deletion in it survives a crash.</summary>
/// <remarks>
/// .NET refuses to open a directory as a file handle (UnauthorizedAccessException), so on Unix this goes
/// straight to libc. Windows has no directory fsync; NTFS journals the metadata change itself.
/// </remarks>
public static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int EIntr = 4;

    /// <summary>Makes the creations, renames and deletions in <paramref name="directory"/> durable.</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd;
        do
        {
            fd = Open(directory, ORdOnly);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr);

        if (fd < 0)
        {
            throw new IOException($"cannot open directory '{directory}' to fsync it: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
