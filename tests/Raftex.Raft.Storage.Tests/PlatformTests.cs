namespace Raftex.Raft.Storage.Tests;

public sealed class PlatformTests
{
    [Fact]
    public void Crc32c_matches_the_published_check_value()
    {
        // The standard check value of CRC-32C over the ASCII digits 1..9.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32c_of_a_buffer_is_the_same_however_it_is_split()
    {
        var data = new byte[1021];
        new Random(7).NextBytes(data);
        var whole = Crc32C.Compute(data);
        for (var split = 0; split <= data.Length; split += 97)
        {
            var crc = Crc32C.Append(Crc32C.Seed, data.AsSpan(0, split));
            Assert.Equal(whole, Crc32C.Finish(Crc32C.Append(crc, data.AsSpan(split))));
        }
    }

    [Fact]
    public void A_directory_can_be_fsynced_on_this_platform()
    {
        using var dir = new TempDirectory();
        DirectorySync.Flush(dir.Path);
        Assert.Throws<IOException>(() => DirectorySync.Flush(dir.Sub("missing")));
    }
}
