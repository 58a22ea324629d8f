using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Raftex.Raft.Storage;

/// <summary>fdatasync of a file: its data plus the metadata needed to read it back (size), not timestamps.</summary>
/// <remarks>
/// RandomAccess.FlushToDisk is fsync, which also commits the inode's mtime change on every write. Overwriting
/// preallocated blocks with fdatasync needs no journal commit at all, which is most of the cost of a small
/// synchronous write on ext4 (measured here: ~0.1 ms instead of ~0.3–2 ms).
/// </remarks>
internal static partial class DataSync
{
    private const int EIntr = 4;

    public static void Flush(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            int result;
            do
            {
                result = Fdatasync(fd);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == EIntr);

            if (result != 0)
            {
                throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}
