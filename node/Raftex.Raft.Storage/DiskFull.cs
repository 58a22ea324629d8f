namespace Raftex.Raft.Storage;

/// <summary>Recognises a write that failed because the file system ran out of space (or quota), as opposed to a broken disk.</summary>
/// <remarks>
/// On Unix .NET reports the errno as the <see cref="IOException"/>'s HResult. A log poisoned by such a failure rethrows
/// it as the inner exception of later calls, so the whole chain is searched.
/// </remarks>
public static class DiskFull
{
    private const int NoSpace = 28;        // ENOSPC
    private const int QuotaExceeded = 122; // EDQUOT
    private const int WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>Whether <paramref name="exception"/>, or any exception it wraps, is an out-of-space failure.</summary>
    public static bool IsCause(Exception exception) => Find(exception) is not null;

    /// <summary>The out-of-space failure in <paramref name="exception"/> or anything it wraps (its message names the file), or null.</summary>
    public static IOException? Find(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IOException { HResult: NoSpace or QuotaExceeded or WindowsDiskFull } full)
            {
                return full;
            }

            if (e is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(found => found is not null);
            }
        }

        return null;
    }
}
