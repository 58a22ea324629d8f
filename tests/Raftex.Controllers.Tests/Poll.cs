namespace Raftex.Controllers.Tests;

/// <summary>Waits for a condition with a deadline, instead of sleeping for a state.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(2);
        }
    }
}
