namespace Raftex.Chaos.Cli;

/// <summary>Entry point of raftex-chaos.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C heals and exits; the runner clears every injected fault on the way out.
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return await ChaosCommand.RunAsync(args, Console.Out, Console.Error, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted; injected faults cleared");
            return ChaosCommand.NotRun;
        }
    }
}
