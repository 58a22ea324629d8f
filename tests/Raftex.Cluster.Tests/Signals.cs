using System.Runtime.InteropServices;

namespace Raftex.Cluster.Tests;

/// <summary>POSIX signals for the node processes (SIGTERM for graceful stop; SIGKILL goes through Process.Kill).</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
