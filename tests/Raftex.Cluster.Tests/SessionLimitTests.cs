using System.Net.Http;
using Grpc.Core;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>Order sessions on real nodes: the cluster-wide live-session limit, resuming an id that was never registered, cancelled calls.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionLimitTests
{
    [Fact]
    public async Task Registrations_beyond_the_cluster_wide_limit_are_refused_naming_it_and_live_sessions_are_a_metric()
    {
        using var cluster = new TestCluster(3);
        cluster.ExtraArgs.AddRange(["--max-sessions", "3"]);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var sessions = new List<OrderSessionClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var s = new OrderSessionClient(cluster.ClientOptions());
                sessions.Add(s);
                await s.OpenAsync();
            }

            await using var fourth = new OrderSessionClient(cluster.ClientOptions());
            var refused = await Assert.ThrowsAsync<RpcException>(() => fourth.OpenAsync());
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("cluster-wide limit of 3 live order sessions (--max-sessions)", refused.Status.Detail, StringComparison.Ordinal);

            using var http = new HttpClient();
            var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.Slot(leader).HttpPort}/metrics"));
            Assert.Matches(@"(?m)^raftex_sessions(\{[^}]*\})? 3(\s|$)", metrics);
            Assert.Matches(@"(?m)^raftex_session_bytes(\{[^}]*\})? [1-9]", metrics);
        }
        finally
        {
            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Resuming_a_session_that_was_never_registered_fails_at_once_and_cancelled_calls_are_counted()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        await using var resumed = new OrderSessionClient(cluster.ClientOptions(), sessionId: 987_654);
        var refused = await Assert.ThrowsAsync<RpcException>(() => resumed.OpenAsync());
        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Contains("session 987654 is not registered or has expired", refused.Status.Detail, StringComparison.Ordinal);

        // A trade stream the client cancels is a normal end: counted, not an error.
        var exchange = cluster.ExchangeAt(leader);
        using (var cancel = new CancellationTokenSource())
        {
            using var call = exchange.StreamTrades(new StreamTradesRequest { Symbol = "BTC-USD" }, cancellationToken: cancel.Token);
            var next = call.ResponseStream.MoveNext(cancel.Token);
            await cluster.UntilAsync(
                async () => await MetricsAsync(cluster, leader), m => m.Contains("raftex_", StringComparison.Ordinal), "the leader's metrics");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => next);
        }

        await cluster.UntilAsync(
            async () => await MetricsAsync(cluster, leader),
            m => System.Text.RegularExpressions.Regex.IsMatch(m, @"(?m)^raftex_client_calls_ended_total\{[^}]*reason=""cancelled""[^}]*\} [1-9]"),
            "the cancelled call to be counted");
        Assert.DoesNotContain("Error when executing service method", cluster.Logs(), StringComparison.Ordinal);
    }

    private static async Task<string?> MetricsAsync(TestCluster cluster, long id)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.Slot(id).HttpPort}/metrics"));
    }
}
