using System.Globalization;
using System.Text.RegularExpressions;
using Raftex.Chaos.Cli;

namespace Raftex.Cluster.Tests;

/// <summary>
/// raftex-chaos against real node processes on loopback: each action on a healthy 3-node cluster ends Pass, with the
/// recovery time reported. The command runs in-process, from the YAML file to the exit code.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ChaosRunnerTests
{
    // Recovery allowed after healing: many election timeouts, so a busy machine does not fail a healthy cluster.
    private static readonly int MaxRecoverySeconds = (int)TimeSpan.FromMilliseconds(TestCluster.ElectionMs * 40).TotalSeconds;

    [Fact]
    public Task Partitioning_the_leader_passes() => RunAsync("""
        action: Partition
        selector: { mode: One, role: Leader }
        partition: { direction: Both }
        duration: 3s
        """, expectLeaderChange: true);

    [Fact]
    public Task Killing_the_leader_passes_once_its_process_is_restarted() => RunAsync("""
        action: PodKill
        selector: { mode: One, role: Leader }
        podKill: { method: Crash }
        """, expectLeaderChange: true, restartCrashed: true);

    [Fact]
    public Task Delaying_a_follower_passes() => RunAsync("""
        action: Delay
        selector: { mode: One, role: Follower }
        delay: { latencyMs: 100, jitterMs: 30 }
        duration: 3s
        """);

    [Fact]
    public Task Dropping_messages_on_every_member_passes() => RunAsync("""
        action: Loss
        selector: { mode: All }
        loss: { percent: 20 }
        duration: 3s
        """);

    [Fact]
    public Task Skewing_a_follower_clock_passes() => RunAsync("""
        action: ClockSkew
        selector: { mode: One, role: Follower }
        clockSkew: { offsetSeconds: 30 }
        duration: 3s
        """);

    private static async Task RunAsync(string spec, bool expectLeaderChange = false, bool restartCrashed = false)
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leaderBefore = await cluster.WaitForLeaderAsync();
        var file = Path.Combine(Path.GetTempPath(), $"chaos-{Guid.NewGuid():N}.yaml");
        var body = string.Join('\n', spec.Split('\n').Select(l => "  " + l));
        await File.WriteAllTextAsync(file, $"""
            apiVersion: raftex.io/v1alpha1
            kind: ChaosExperiment
            metadata:
              name: test
            spec:
              clusterRef: test
            {body}
              checks:
                maxRecoverySeconds: {MaxRecoverySeconds.ToString(CultureInfo.InvariantCulture)}

            """);
        using var stop = new CancellationTokenSource();
        // Stands in for the kubelet: a crashed node's process is started again on the same data directory.
        var kubelet = restartCrashed ? RestartCrashedAsync(cluster, stop.Token) : Task.CompletedTask;
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var nodes = string.Join(',', Enumerable.Range(1, 3).Select(i => $"127.0.0.1:{cluster.Slot(i).AdminPort}"));
            var clients = string.Join(',', Enumerable.Range(1, 3).Select(i => $"127.0.0.1:{cluster.Slot(i).ClientPort}"));
            var code = await ChaosCommand.RunAsync(["run", "-f", file, "--nodes", nodes, "--clients", clients, "--seed", "7"], output, error, CancellationToken.None);
            var text = output.ToString();
            Assert.True(code == ChaosCommand.Pass, $"exit code {code}\n{text}\n{error}\n{cluster.Logs()}");
            Assert.Contains("verdict:        Pass", text, StringComparison.Ordinal);
            var recovery = RecoveryLine().Match(text);
            Assert.True(recovery.Success, text);
            Assert.InRange(double.Parse(recovery.Groups[1].Value, CultureInfo.InvariantCulture), 0, MaxRecoverySeconds);
            var probe = ProbeLine().Match(text);
            Assert.True(probe.Success && int.Parse(probe.Groups[1].Value, CultureInfo.InvariantCulture) > 0, "the probe acknowledged deposits\n" + text);
            if (expectLeaderChange)
            {
                Assert.Matches($@"leader:\s+test-{leaderBefore - 1} -> test-\d \([1-9]\d* change", text);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await kubelet;
            File.Delete(file);
        }
    }

    private static async Task RestartCrashedAsync(TestCluster cluster, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var id in Enumerable.Range(1, 3).Select(i => (long)i))
            {
                if (cluster.Slot(id).Process is { HasExited: true })
                {
                    cluster.Start(id);
                }
            }

            try
            {
                await Task.Delay(TestCluster.HeartbeatMs, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"recovery:\s+([0-9.]+)s")]
    private static partial Regex RecoveryLine();

    [GeneratedRegex(@"probe:\s+([0-9]+) acknowledged")]
    private static partial Regex ProbeLine();
}
