using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Raftex.Chaos.Tests;

/// <summary>Builds specs from YAML and drives the engine step by step on a fake clock, as the operator does.</summary>
internal static class Experiments
{
    public static ChaosExperimentSpec Spec(string body)
    {
        var yaml = "apiVersion: raftex.io/v1alpha1\nkind: ChaosExperiment\nmetadata:\n  name: t\nspec:\n  clusterRef: c\n"
            + string.Join('\n', body.Split('\n').Select(l => "  " + l)) + "\n";
        var (_, spec, errors) = ChaosYaml.Parse(yaml, "test.yaml");
        Assert.Empty(errors);
        return spec!;
    }

    /// <summary>
    /// Steps until the run ends. Every step uses a new engine and a status that went through JSON, so nothing but the
    /// status carries over between steps — as across operator restarts. <paramref name="between"/> runs after each step.
    /// </summary>
    public static async Task<(ChaosExperimentStatus Status, List<ChaosEvent> Events)> RunAsync(
        ChaosExperimentSpec spec, FakeChaosCluster cluster, FakeTimeProvider time, Action<ChaosExperimentStatus>? between = null, int maxSteps = 500,
        ChaosExperimentStatus? from = null)
    {
        var status = from;
        var events = new List<ChaosEvent>();
        for (var i = 0; i < maxSteps; i++)
        {
            var engine = new ChaosEngine(cluster, time, new Random(42), new ChaosEngineOptions { ActivePoll = TimeSpan.FromMilliseconds(250), ProbeBatch = 2 });
            var step = await engine.StepAsync(spec, status, CancellationToken.None);
            events.AddRange(step.Events);
            status = JsonSerializer.Deserialize<ChaosExperimentStatus>(JsonSerializer.Serialize(step.Status))!;
            between?.Invoke(status);
            if (step.Finished || status.Phase == ChaosPhase.Completed)
            {
                return (status, events);
            }

            time.Advance(step.Wait > TimeSpan.Zero ? step.Wait : TimeSpan.FromMilliseconds(50));
        }

        throw new Xunit.Sdk.XunitException($"not finished after {maxSteps} steps: {JsonSerializer.Serialize(status)}");
    }

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));
}
