using System.Runtime.InteropServices;

namespace Raftex.Local.Kubelet;

/// <summary>POSIX signals to a process by id (.NET's Process.Kill only sends SIGKILL).</summary>
public static partial class Signals
{
    private const int SigTerm = 15;

    /// <summary>Asks the process to stop (SIGTERM); false when it is already gone.</summary>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
