using System.Diagnostics;

namespace Raftex.Raft.Storage.Tests;

public sealed class LockTests
{
    [Fact]
    public void A_second_open_of_the_same_directory_fails_while_the_first_is_open()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            var error = Assert.Throws<WalLockedException>(() => WriteAheadLog.Open(dir.Path));
            Assert.Contains(dir.Path, error.Message, StringComparison.Ordinal);
            Assert.Contains("locked", error.Message, StringComparison.Ordinal);
        }

        // Released on dispose: the next writer may open it.
        var (next, _) = WriteAheadLog.Open(dir.Path);
        next.Dispose();
    }

    [Fact]
    public void The_lock_is_an_operating_system_lock_that_other_processes_see()
    {
        using var dir = new TempDirectory();
        var lockFile = Path.Combine(dir.Path, WriteAheadLog.LockFileName);
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            Assert.Equal(42, TryLockFromAnotherProcess(lockFile));
        }

        Assert.Equal(0, TryLockFromAnotherProcess(lockFile));
    }

    /// <summary>Runs flock(1) on the file without waiting: 0 if it got the lock, 42 if someone holds it.</summary>
    private static int TryLockFromAnotherProcess(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--nonblock", "--conflict-exit-code", "42", path, "true"])
        {
            RedirectStandardError = true,
        })!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
