using Raftex.Exchange;

namespace Raftex.Node;

/// <summary>
/// How the node refuses to start: exit code 3 and one line on stderr, <c>raftex-node: cannot start: …</c>, naming what is
/// wrong (files, indexes) and what to do, for every configuration or data-directory problem found before serving.
/// </summary>
internal static class StartupRefusal
{
    public const int ExitCode = 3;

    /// <summary>
    /// True for the failures a bad configuration or data directory causes (storage refusals are <see cref="IOException"/>s;
    /// a WAL and snapshot that disagree or an unreadable exchange snapshot are <see cref="InvalidDataException"/>s), as
    /// opposed to a bug, which keeps its stack trace.
    /// </summary>
    public static bool Covers(Exception ex) => ex is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException
        or InvalidDataException or SnapshotFormatException or PeerResolutionException;

    /// <summary>Writes the one-line refusal, with <paramref name="advice"/> when the message does not say what to do, and returns the exit code.</summary>
    public static int Report(Exception ex, string? advice = null)
    {
        var line = advice is null ? ex.Message : $"{ex.Message.TrimEnd('.')}; {advice}";
        Console.Error.WriteLine($"raftex-node: cannot start: {line.ReplaceLineEndings(" ")}");
        return ExitCode;
    }
}
