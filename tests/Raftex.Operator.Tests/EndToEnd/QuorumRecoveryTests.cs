using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Time.Testing;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Recovery;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>The operator sees a lost quorum, does nothing destructive on its own, and recovers only when asked.</summary>
public sealed class QuorumRecoveryTests
{
    private static string? Condition(ExchangeCluster c, out string? reason, out string? message)
    {
        var condition = c.Status?.Conditions?.SingleOrDefault(x => x.Type == QuorumGuard.Condition);
        reason = condition?.Reason;
        message = condition?.Message;
        return condition?.Status;
    }

    private static async Task AnnotateAsync(OperatorHarness h, string? value)
    {
        var cluster = await h.GetAsync();
        cluster.Metadata.Annotations ??= new Dictionary<string, string>();
        cluster.Metadata.Annotations[QuorumGuard.Annotation] = value!;
        await h.Kube.CustomObjects.ReplaceNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, OperatorHarness.Ns, ExchangeCluster.Plural, OperatorHarness.Name);
    }

    private static async Task<List<string>> EventsAsync(OperatorHarness h, string reason) =>
        (await h.Kube.CoreV1.ListNamespacedEventAsync(OperatorHarness.Ns)).Items.Where(e => e.Reason == reason).Select(e => e.Message).ToList();

    [Fact]
    public async Task A_lost_majority_is_reported_left_alone_and_recovered_from_the_survivor_only_on_request()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using var h = await OperatorHarness.StartAsync(time: time);
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        Assert.Equal("False", Condition(await h.GetAsync(), out var reason, out _));
        Assert.Equal("QuorumAvailable", reason);

        // Two voters' volumes are gone: their nodes do not answer, and node 1 alone cannot elect itself.
        h.Raft.RequireQuorum = true;
        h.Raft.SetUp(2, false);
        h.Raft.SetUp(3, false);
        h.Raft.LoseLeader();
        await h.RoundAsync();
        Assert.Equal("False", Condition(await h.GetAsync(), out _, out var early));
        Assert.StartsWith("not (yet) judged lost", early, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(6));
        await h.RoundAsync();
        var lost = await h.GetAsync();
        Assert.Equal("True", Condition(lost, out reason, out var message));
        Assert.Equal("MajorityLost", reason);
        Assert.Contains("1 of 3 voters reachable", message, StringComparison.Ordinal);
        Assert.Contains("node 1 (voter) reachable: last index", message, StringComparison.Ordinal);
        Assert.Contains("node 2 (voter) unreachable", message, StringComparison.Ordinal);
        Assert.Contains($"kubectl annotate exchangecluster xc1 {QuorumGuard.Annotation}=xc1", message, StringComparison.Ordinal);

        // Nothing destructive happens on its own.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await h.RoundAsync();
        }

        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("ForceNewCluster", StringComparison.Ordinal));
        Assert.Equal(3, (await h.GetAsync()).Status!.InitialMembers);

        // A request that does not name the cluster is refused and dropped.
        await AnnotateAsync(h, "yes");
        await h.RoundAsync();
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("ForceNewCluster", StringComparison.Ordinal));
        Assert.False((await h.GetAsync()).Metadata.Annotations?.ContainsKey(QuorumGuard.Annotation) ?? false);
        Assert.Contains(await EventsAsync(h, "ForceNewClusterRefused"), m => m.Contains("must name the cluster ('xc1')", StringComparison.Ordinal));

        await AnnotateAsync(h, "xc1");
        await h.RoundAsync();
        Assert.Single(h.Raft.Calls, "ForceNewCluster(1)");
        var recovered = await h.GetAsync();
        Assert.False(recovered.Metadata.Annotations?.ContainsKey(QuorumGuard.Annotation) ?? false);
        Assert.Equal(1, recovered.Status!.Recovery!.NodeId);
        Assert.Equal(101, recovered.Status.Recovery.Index);
        Assert.Equal(100, recovered.Status.Recovery.LastIndexBefore);
        Assert.Equal(0, recovered.Status.InitialMembers);
        var map = await h.Kube.CoreV1.ReadNamespacedConfigMapAsync("xc1-config", OperatorHarness.Ns);
        Assert.Empty(JsonNode.Parse(map.Data[ConfigMapBuilder.NodeConfigKey])!["bootstrapMembers"]!.AsArray());
        Assert.Contains(await EventsAsync(h, "QuorumRecovered"), m => m.Contains("continues from index 101", StringComparison.Ordinal));

        // The lost pods come back empty and join the recovered cluster as learners, then are promoted.
        h.Raft.Wipe(2);
        h.Raft.Wipe(3);
        h.Raft.SetUp(2, true);
        h.Raft.SetUp(3, true);
        var grown = await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.Members!.Count(m => m.Role == MemberRole.Voter) == 3);
        Assert.Equal("False", Condition(grown, out _, out _));
        Assert.Contains("AddLearner(2)", h.Raft.Calls);
        Assert.Contains("AddLearner(3)", h.Raft.Calls);
        Assert.Equal(1, grown.Status!.Recovery!.NodeId);
    }

    [Fact]
    public async Task A_recovery_request_while_the_quorum_holds_is_refused()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        await AnnotateAsync(h, "xc1");
        await h.RoundAsync();
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("ForceNewCluster", StringComparison.Ordinal));
        var cluster = await h.GetAsync();
        Assert.False(cluster.Metadata.Annotations?.ContainsKey(QuorumGuard.Annotation) ?? false);
        Assert.Null(cluster.Status!.Recovery);
        Assert.Contains(await EventsAsync(h, "ForceNewClusterRefused"), m => m.Contains("the quorum is not lost", StringComparison.Ordinal));
    }
}
