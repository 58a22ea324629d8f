using Raftex.Chaos.Cli;

namespace Raftex.Chaos.Tests;

public sealed class SpecTests
{
    private static IReadOnlyList<string> Errors(string body) => ChaosSettings.From(Experiments.Spec(body)).Errors;

    [Theory]
    [InlineData("action: Partition", "spec.duration: required for Partition (every lasting fault is bounded; at most 1h)")]
    [InlineData("action: Loss\nloss: { percent: 5 }\nduration: 2h", "spec.duration: 2h is out of range (more than 0, at most 1h)")]
    [InlineData("action: Loss\nduration: 1s", "spec.loss.percent: required for Loss, 1 to 100")]
    [InlineData("action: ClockSkew\nclockSkew: { offsetSeconds: 604801 }\nduration: 1s", "spec.clockSkew.offsetSeconds: 604801 is beyond ±604800 (7 days)")]
    [InlineData("action: ClockSkew\nclockSkew: { offsetSeconds: 0 }\nduration: 1s", "spec.clockSkew.offsetSeconds: required for ClockSkew and not 0")]
    [InlineData("action: PodKill\npodKill: { method: Delete, gracePeriodSeconds: 0 }", "spec.podKill.gracePeriodSeconds: 0 is out of range 1 to 30 (0 would be a force delete, which breaks the StatefulSet's one pod per identity)")]
    [InlineData("action: PodKill\nselector: { mode: Fixed }", "spec.selector.value: required for mode Fixed")]
    [InlineData("action: PodKill\nschedule: '61 * * * *'", "spec.schedule: '61 * * * *' is not a cron schedule: minute: '61' is outside 0-59")]
    [InlineData("action: Partition\nduration: 1s\npartition: { groups: [ { pods: [c-0] } ] }", "spec.partition.groups: at least two groups are needed to partition")]
    public void A_bad_spec_gets_a_precise_message(string body, string error) => Assert.Contains(error, Errors(body));

    [Fact]
    public void PodKill_needs_no_duration_and_defaults_fill_in()
    {
        var (settings, errors) = ChaosSettings.From(Experiments.Spec("action: PodKill"));
        Assert.Empty(errors);
        Assert.Equal((SelectionMode.One, TargetRole.Any, PodKillMethod.Crash, 2, true), (settings!.Mode, settings.Role, settings.KillMethod, settings.GracePeriodSeconds, settings.Probe));
        Assert.Equal(TimeSpan.FromSeconds(30), settings.MaxRecovery);
    }

    [Fact]
    public void Every_example_parses_and_validates()
    {
        var dir = Path.Combine(RepoRoot(), "examples");
        var files = Directory.GetFiles(dir, "chaos-*.yaml");
        Assert.Equal(Enum.GetValues<ChaosAction>().Length, files.Length);
        var actions = new HashSet<ChaosAction>();
        foreach (var file in files)
        {
            var (_, spec, errors) = ChaosYaml.Parse(File.ReadAllText(file), file);
            Assert.Empty(errors);
            var (settings, specErrors) = ChaosSettings.From(spec!);
            Assert.Empty(specErrors);
            actions.Add(settings!.Action);
            Assert.Equal($"chaos-{settings.Action.ToString().ToLowerInvariant()}.yaml", Path.GetFileName(file));
        }

        Assert.Equal(Enum.GetValues<ChaosAction>().ToHashSet(), actions);
    }

    [Fact]
    public void A_yaml_typo_is_reported_with_its_line()
    {
        var (_, spec, errors) = ChaosYaml.Parse("apiVersion: raftex.io/v1alpha1\nkind: ChaosExperiment\nspec:\n  clusterRef: c\n  acton: Loss\n", "x.yaml");
        Assert.Null(spec);
        Assert.StartsWith("x.yaml:5:3: ", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void The_wrong_kind_is_refused()
    {
        var (_, _, errors) = ChaosYaml.Parse("apiVersion: raftex.io/v1alpha1\nkind: ExchangeCluster\nspec:\n  clusterRef: c\n", "x.yaml");
        Assert.Equal(["x.yaml: kind is 'ExchangeCluster', expected ChaosExperiment"], errors);
    }

    [Fact]
    public void Cron_finds_the_next_matching_minute()
    {
        Assert.True(CronSchedule.TryParse("*/15 3 * * 1-5", out var cron, out _));
        Assert.Equal(new DateTime(2026, 12, 7, 3, 15, 0, DateTimeKind.Utc), cron!.Next(new DateTime(2026, 12, 7, 3, 0, 0, DateTimeKind.Utc)));
        // Saturday 12 December 03:50 → Monday 14 December 03:00.
        Assert.Equal(new DateTime(2026, 12, 14, 3, 0, 0, DateTimeKind.Utc), cron.Next(new DateTime(2026, 12, 12, 3, 50, 0, DateTimeKind.Utc)));
        Assert.False(CronSchedule.TryParse("* * *", out _, out var why));
        Assert.Equal("expected 5 fields (minute hour day-of-month month day-of-week), got 3", why);
    }

    [Theory]
    [InlineData(new[] { "run" }, "run: -f FILE and --nodes are required")]
    [InlineData(new[] { "run", "-f", "/nonexistent.yaml", "--nodes", "127.0.0.1:1" }, "run: /nonexistent.yaml: no such file")]
    [InlineData(new[] { "run", "-f", "x", "--nodes", "localhost" }, "run: 'localhost' is not HOST:PORT")]
    [InlineData(new[] { "explode" }, "unknown command 'explode'")]
    public async Task The_command_refuses_bad_arguments_with_exit_code_2(string[] args, string message)
    {
        var error = new StringWriter();
        Assert.Equal(ChaosCommand.Usage, await ChaosCommand.RunAsync(args, TextWriter.Null, error, CancellationToken.None));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_refuses_an_invalid_spec_before_touching_a_node()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "apiVersion: raftex.io/v1alpha1\nkind: ChaosExperiment\nspec:\n  clusterRef: c\n  action: Delay\n");
        var error = new StringWriter();
        try
        {
            Assert.Equal(ChaosCommand.Usage, await ChaosCommand.RunAsync(["run", "-f", file, "--nodes", "127.0.0.1:1"], TextWriter.Null, error, CancellationToken.None));
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains($"{file}: spec.duration: required for Delay", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("spec.delay.latencyMs: required for Delay, 1 to 60000", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_needs_client_addresses_for_the_probe()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "apiVersion: raftex.io/v1alpha1\nkind: ChaosExperiment\nspec:\n  clusterRef: c\n  action: Delay\n  duration: 5s\n  delay: { latencyMs: 100 }\n");
        var error = new StringWriter();
        try
        {
            Assert.Equal(ChaosCommand.Usage, await ChaosCommand.RunAsync(["run", "-f", file, "--nodes", "127.0.0.1:1"], TextWriter.Null, error, CancellationToken.None));
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("run: --clients is required for the correctness probe", error.ToString(), StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
