namespace Raftex.Testing;

/// <summary>
/// Waits for a condition with a deadline instead of sleeping for a state. Linked into the test projects that need it
/// (tests/Shared is not a project of its own, so it pulls in no test framework).
/// </summary>
internal static class Poll
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Polls an asynchronous (usually I/O) condition every 20 ms until it holds or the timeout passes.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, what, timeout, TimeSpan.FromMilliseconds(20));

    /// <summary>Polls an in-memory condition every 2 ms (cheap to evaluate, and short-lived states are not missed).</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, TimeSpan.FromMilliseconds(2));

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(interval).ConfigureAwait(false);
        }
    }
}
