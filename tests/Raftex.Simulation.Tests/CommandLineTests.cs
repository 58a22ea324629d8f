using System.Text.RegularExpressions;

namespace Raftex.Simulation.Tests;

/// <summary>The simulator's command line: the sweep's closing line, replay, and precise errors.</summary>
public sealed partial class CommandLineTests
{
    [GeneratedRegex(@"^simulation: seeds=(\d+) violations=(\d+) ticks=(\d+) elections=(\d+) commits=(\d+) .*snapshots=\d+ .*confchanges=\d+ transfers=\d+ ")]
    private static partial Regex SummaryLine();

    private static (int Code, string[] Lines) Run(params string[] args)
    {
        var output = new StringWriter();
        var code = SimulationCommandLine.Run(args, output);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_sweep_ends_with_one_summary_line_and_its_exit_code_matches_the_violations()
    {
        var (code, lines) = Run("--seeds", "6", "--start", "100", "--nodes", "3");

        var match = SummaryLine().Match(lines[^1]);
        Assert.True(match.Success, lines[^1]);
        Assert.Equal("6", match.Groups[1].Value);
        Assert.Single(lines, l => l.StartsWith("simulation:", StringComparison.Ordinal));
        var violations = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(violations > 0 ? 1 : 0, code);
        Assert.Equal(violations, lines.Count(l => l.StartsWith("FAILED seed", StringComparison.Ordinal)));
        Assert.True(long.Parse(match.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Replaying_a_seed_prints_its_trace_and_the_same_hash_as_a_direct_run()
    {
        var expected = Simulator.Run(SimulationOptions.ForSeed(42, 5)).TraceHash;

        var (code, lines) = Run("--seed", "42", "--nodes", "5", "--trace");

        Assert.Contains($"trace hash {expected:x16}", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length > 1_000);
        Assert.StartsWith("simulation: seeds=1 violations=", lines[^1], StringComparison.Ordinal);
        Assert.Equal(lines[^1].Contains("violations=0", StringComparison.Ordinal) ? 0 : 1, code);
    }

    [Theory]
    [InlineData("--seeds", "abc")]
    [InlineData("--nodes", "4")]
    [InlineData("--bogus")]
    [InlineData("--seed")]
    [InlineData("--seed", "1", "--mix", "Tornado")]
    [InlineData("--seed", "1", "--without", "x,2")]
    public void Bad_arguments_get_a_precise_error_and_exit_code_2(params string[] args)
    {
        var (code, lines) = Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("usage:", string.Join('\n', lines), StringComparison.Ordinal);
    }
}
