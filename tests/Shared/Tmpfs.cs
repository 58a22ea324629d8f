using System.Diagnostics;

namespace Raftex.Testing;

/// <summary>
/// A real, size-limited tmpfs mounted for one test, so a full disk is the kernel's own ENOSPC rather than a simulation.
/// Needs root (the test machines run as root); a failed mount throws with mount's own message. Unmounted on dispose.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private readonly bool _ownsDirectory;

    private Tmpfs(string path, bool ownsDirectory)
    {
        Path = path;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes on <paramref name="at"/> (created if missing), or on a fresh directory.</summary>
    public static Tmpfs Mount(long bytes, string? at = null)
    {
        var path = at ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "raftex-tmpfs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        return new Tmpfs(path, ownsDirectory: at is null);
    }

    /// <summary>Bytes still free for files.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a filler file that leaves about <paramref name="leaveFree"/> bytes free; returns its path.</summary>
    public string Fill(long leaveFree, string name = "filler")
    {
        var path = System.IO.Path.Combine(Path, name);
        var size = FreeBytes - leaveFree;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var block = new byte[64 * 1024];
        Array.Fill(block, (byte)0xAB);
        for (long written = 0; written < size; written += block.Length)
        {
            file.Write(block, 0, (int)Math.Min(block.Length, size - written));
        }

        return path;
    }

    public void Dispose()
    {
        // Lazy: a process that still has files open here (a node being torn down) does not block the unmount.
        Run("umount", "-l", Path);
        if (_ownsDirectory)
        {
            Directory.Delete(Path);
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()} (tmpfs tests need root)");
        }
    }
}
