using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Raftex.Chaos.Cli;

namespace Raftex.Chaos.Tests;

public sealed class ScheduleTests
{
    private const string Hourly = "action: Delay\ndelay: { latencyMs: 50 }\nduration: 2s\nschedule: \"0 * * * *\"\nhistoryLimit: 2";

    // Steps on the fake clock until the run started from `status` has ended (or, with untilDue, until it is due), as the operator does.
    private static async Task<(ChaosExperimentStatus Status, List<ChaosEvent> Events)> StepUntilAsync(
        ChaosExperimentSpec spec, FakeChaosCluster cluster, FakeTimeProvider time, ChaosExperimentStatus? status, Func<ChaosExperimentStatus, bool> done)
    {
        var events = new List<ChaosEvent>();
        for (var i = 0; i < 500; i++)
        {
            var step = await new ChaosEngine(cluster, time, new Random(7), new ChaosEngineOptions { ProbeBatch = 2 }).StepAsync(spec, status, CancellationToken.None);
            events.AddRange(step.Events);
            status = JsonSerializer.Deserialize<ChaosExperimentStatus>(JsonSerializer.Serialize(step.Status))!;
            if (done(status))
            {
                return (status, events);
            }

            time.Advance(step.Wait > TimeSpan.Zero ? step.Wait : TimeSpan.FromMilliseconds(50));
        }

        throw new Xunit.Sdk.XunitException($"not done after 500 steps: {JsonSerializer.Serialize(status)}");
    }

    private static bool Ended(ChaosExperimentStatus s) => s.Phase is ChaosPhase.Completed or ChaosPhase.Failed;

    [Fact]
    public async Task A_schedule_waits_for_its_minute_then_repeats_keeping_a_bounded_history()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var spec = Experiments.Spec(Hourly);

        var first = await new ChaosEngine(cluster, time).StepAsync(spec, null, CancellationToken.None);
        Assert.Equal(ChaosPhase.Pending, first.Status.Phase);
        Assert.Equal(new DateTime(2026, 12, 7, 7, 0, 0, DateTimeKind.Utc), first.Status.NextRunAt);
        Assert.False(first.Finished);
        Assert.All(cluster.Admins.Values, a => Assert.Empty(a.Calls));
        Assert.True(ChaosEngine.WaitsForSchedule(spec, first.Status, time.GetUtcNow().UtcDateTime));

        var status = first.Status;
        for (var run = 1; run <= 3; run++)
        {
            var previous = status.StartedAt;
            (status, _) = await StepUntilAsync(spec, cluster, time, status, s => Ended(s) && s.StartedAt != previous);
            Assert.Equal(ChaosPhase.Completed, status.Phase);
            Assert.Equal(ChaosVerdict.Pass, status.Verdict);
            Assert.Equal((6 + run, 0), (status.StartedAt!.Value.Hour, status.StartedAt.Value.Minute));
            Assert.Equal(new DateTime(2026, 12, 7, 7 + run, 0, 0, DateTimeKind.Utc), status.NextRunAt);
            Assert.Equal(Math.Min(run, 2), status.History!.Count);
            var latest = status.History[0];
            Assert.Equal((ChaosPhase.Completed, ChaosVerdict.Pass, status.RecoverySeconds), (latest.Phase, latest.Verdict, latest.RecoverySeconds));
            Assert.Equal(status.CompletedAt, latest.CompletedAt);
        }

        // Newest first: the two most recent runs, the 08:00 and 09:00 ones.
        Assert.Equal([9, 8], status.History!.Select(r => r.StartedAt!.Value.Hour));
        Assert.All(cluster.Admins.Values, a => Assert.Empty(a.Faults));
    }

    [Fact]
    public async Task Runs_missed_while_the_operator_was_away_collapse_into_one_catch_up_run()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var spec = Experiments.Spec(Hourly);
        var (status, _) = await StepUntilAsync(spec, cluster, time, null, s => s.NextRunAt is not null);
        (status, _) = await StepUntilAsync(spec, cluster, time, status, s => Ended(s) && s.History?.Count == 1);
        Assert.Equal(new DateTime(2026, 12, 7, 8, 0, 0, DateTimeKind.Utc), status.NextRunAt);

        // Down from 07:00 until 11:30: the 08:00 run starts late, the 09:00, 10:00 and 11:00 ones are skipped.
        time.SetUtcNow(new DateTimeOffset(2026, 12, 7, 11, 30, 0, TimeSpan.Zero));
        var (after, events) = await StepUntilAsync(spec, cluster, time, status, s => Ended(s) && s.History?.Count == 2);

        var missed = Assert.Single(events, e => e.Reason == "MissedRuns");
        Assert.Equal("the run due at 2026-12-07T08:00:00.0000000Z starts late; 3 later run(s), missed while the operator was away, are skipped", missed.Message);
        Assert.Single(events, e => e.Reason == "Selected");
        Assert.Equal(new DateTime(2026, 12, 7, 11, 30, 0, DateTimeKind.Utc), after.StartedAt);
        Assert.Equal(new DateTime(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc), after.NextRunAt);
    }

    [Fact]
    public async Task A_scheduled_run_that_cannot_start_is_recorded_as_Failed_and_the_schedule_goes_on()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var spec = Experiments.Spec("action: Loss\nselector: { pods: [c-7] }\nloss: { percent: 20 }\nduration: 2s\nschedule: \"*/30 * * * *\"");
        var (status, _) = await StepUntilAsync(spec, cluster, time, null, s => s.NextRunAt is not null);
        (status, _) = await StepUntilAsync(spec, cluster, time, status, s => Ended(s) && s.History?.Count == 1);

        Assert.Equal(ChaosPhase.Failed, status.Phase);
        Assert.Null(status.Verdict);
        var record = Assert.Single(status.History!);
        Assert.Equal(ChaosPhase.Failed, record.Phase);
        Assert.StartsWith("no targets: pod(s) c-7 not found", record.Reason, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2026, 12, 7, 7, 0, 0, DateTimeKind.Utc), status.NextRunAt);
        Assert.False(ChaosEngine.IsFinished(status));
    }

    [Fact]
    public async Task Removing_the_schedule_makes_the_last_result_final()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var (status, _) = await StepUntilAsync(Experiments.Spec(Hourly), cluster, time, null, s => s.NextRunAt is not null);
        (status, _) = await StepUntilAsync(Experiments.Spec(Hourly), cluster, time, status, s => Ended(s) && s.History?.Count == 1);

        var step = await new ChaosEngine(cluster, time).StepAsync(Experiments.Spec("action: Delay\ndelay: { latencyMs: 50 }\nduration: 2s"), status, CancellationToken.None);
        Assert.True(step.Finished);
        Assert.Null(step.Status.NextRunAt);
        Assert.Equal(ChaosVerdict.Pass, step.Status.Verdict);
    }

    [Theory]
    [InlineData("0 0 30 2 *", "day of month '30' never occurs in month '2'")]
    [InlineData("61 * * * *", "minute: '61' is outside 0-59")]
    [InlineData("0 0 * * MON", "day of week: 'MON' is not a number, range or *")]
    [InlineData("*/0 * * * *", "minute: bad step in '*/0'")]
    public void A_bad_cron_expression_is_refused_with_the_field_named(string cron, string why)
    {
        Assert.False(CronSchedule.TryParse(cron, out var schedule, out var error));
        Assert.Null(schedule);
        Assert.Equal(why, error);
        var (settings, errors) = ChaosSettings.From(Experiments.Spec($"action: PodKill\nschedule: \"{cron}\""));
        Assert.Null(settings);
        Assert.Equal($"spec.schedule: '{cron}' is not a cron schedule: {why}", Assert.Single(errors));
    }

    [Fact]
    public void Cron_counts_matching_minutes_in_a_window_and_finds_a_29_February()
    {
        Assert.True(CronSchedule.TryParse("0 12 29 2 *", out var leap, out _));
        Assert.Equal(new DateTime(2028, 2, 29, 12, 0, 0, DateTimeKind.Utc), leap!.Next(new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc)));
        Assert.True(CronSchedule.TryParse("*/10 * * * *", out var tenMinutes, out _));
        var from = new DateTime(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc);
        Assert.Equal(6, tenMinutes!.CountBetween(from, from.AddHours(1), 100));
        Assert.Equal(4, tenMinutes.CountBetween(from, from.AddHours(1), 4));
        Assert.Equal(0, tenMinutes.CountBetween(from, from.AddMinutes(9), 100));
    }

    [Fact]
    public async Task The_command_ignores_a_schedule_and_says_so()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "apiVersion: raftex.io/v1alpha1\nkind: ChaosExperiment\nspec:\n  clusterRef: c\n  action: PodKill\n  schedule: \"0 3 * * *\"\n  checks: { probe: false }\n");
        var output = new StringWriter();
        int code;
        try
        {
            // Nothing listens on port 1: no member answers, so the one run fails to select a target, and no schedule keeps it alive.
            code = await ChaosCommand.RunAsync(["run", "-f", file, "--nodes", "127.0.0.1:1"], output, TextWriter.Null, CancellationToken.None);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("note: schedule '0 3 * * *' is ignored here; raftex-chaos runs the experiment once", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(ChaosCommand.NotRun, code);
        Assert.Contains("no targets", output.ToString(), StringComparison.Ordinal);
    }
}
