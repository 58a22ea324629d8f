using System.Diagnostics;

namespace Raftex.Simulation.Tests;

/// <summary>
/// The mutation suite's machinery end to end on two fast mutants: copy, plant the bug, build, sweep, verdict.
/// The full suite (`make sim-mutants`) is too long for `make test`.
/// </summary>
[Collection(MutantCollection.Name)]
public sealed class MutationSuiteTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no Cluster.sln above {AppContext.BaseDirectory}");
    }

    [Fact]
    public async Task Two_planted_bugs_are_each_caught_by_the_simulator_alone()
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "tools/sim-mutants.sh", "--only", "01,04", "--seeds", "400" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("sim-mutants did not finish in 8 minutes");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Matches(@"04-follower-ack-before-persist +caught +durable-promise", output);
        Assert.Matches(@"01-election-second-vote +caught +election-safety", output);
        Assert.Contains("sim-mutants: killed 2 of 2 mutants (100 %)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_mutant_name_is_refused_with_exit_code_2()
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepositoryRoot(), RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "tools/sim-mutants.sh", "--only", "no-such-mutant" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("no mutant matches 'no-such-mutant'", stderr, StringComparison.Ordinal);
    }
}
