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
}
