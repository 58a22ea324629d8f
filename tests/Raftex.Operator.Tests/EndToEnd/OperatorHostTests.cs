using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Operator.Hosting;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Tests.EndToEnd;

public sealed class OperatorHostTests
{
    private static readonly ReconcilerOptions FastPolling = new() { ActivePoll = TimeSpan.FromMilliseconds(50), SteadyPoll = TimeSpan.FromMilliseconds(200), VolatileStatusInterval = TimeSpan.Zero };

    [Fact]
    public async Task Two_replicas_with_leader_election_converge_a_cluster_and_never_both_lead()
    {
        await using var h = await OperatorHarness.StartAsync();
        using var stop = new CancellationTokenSource();
        OperatorHost Replica(string id) => new(h.Kube, h.Connector,
            new OperatorOptions { Namespace = OperatorHarness.Ns, Identity = id, LeaseNamespace = OperatorHarness.Ns, Workers = 2 },
            NullLoggerFactory.Instance, reconcilerOptions: FastPolling);
        var a = Replica("a");
        var b = Replica("b");
        var running = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };

        await h.CreateAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var converged = false;
        var sawLeader = false;
        while (DateTime.UtcNow < deadline && !converged)
        {
            Assert.False(a.IsLeading && b.IsLeading, "both replicas lead at once");
            sawLeader |= a.IsLeading || b.IsLeading;
            await h.Pods.SyncAsync();
            converged = OperatorHarness.Converged(await h.GetAsync());
            await Task.Yield();
        }

        Assert.True(converged, "the operator did not converge the cluster within 60 s");
        Assert.True(sawLeader);

        await stop.CancelAsync();
        await Task.WhenAll(running);
        Assert.False(a.IsLeading || b.IsLeading);
    }

    [Fact]
    public async Task A_deleted_child_wakes_its_cluster_without_waiting_for_the_poll()
    {
        await using var h = await OperatorHarness.StartAsync();
        using var stop = new CancellationTokenSource();
        var host = new OperatorHost(h.Kube, h.Connector,
            new OperatorOptions { Namespace = OperatorHarness.Ns, LeaderElection = false },
            NullLoggerFactory.Instance,
            reconcilerOptions: new ReconcilerOptions { ActivePoll = TimeSpan.FromMilliseconds(50), SteadyPoll = TimeSpan.FromHours(1), VolatileStatusInterval = TimeSpan.Zero });
        var running = host.RunAsync(stop.Token);

        await h.CreateAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !OperatorHarness.Converged(await h.GetAsync()))
        {
            await h.Pods.SyncAsync();
        }

        Assert.True(OperatorHarness.Converged(await h.GetAsync()));
        await h.Kube.CoreV1.DeleteNamespacedServiceAsync("xc1", OperatorHarness.Ns);
        // With an hour-long steady poll only the Service watch can bring it back within the deadline.
        var back = false;
        while (DateTime.UtcNow < deadline && !back)
        {
            back = (await h.Kube.CoreV1.ListNamespacedServiceAsync(OperatorHarness.Ns)).Items.Any(s => s.Metadata.Name == "xc1");
            if (!back) { await Task.Delay(50); }
        }

        Assert.True(back, "the deleted client Service was not recreated");
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task The_operator_converges_after_dropped_watches_and_an_api_server_restart()
    {
        await using var h = await OperatorHarness.StartAsync();
        using var stop = new CancellationTokenSource();
        var host = new OperatorHost(h.Kube, h.Connector, new OperatorOptions { Namespace = OperatorHarness.Ns, LeaseNamespace = OperatorHarness.Ns },
            NullLoggerFactory.Instance, reconcilerOptions: new ReconcilerOptions { ActivePoll = TimeSpan.FromMilliseconds(50), SteadyPoll = TimeSpan.FromSeconds(1), VolatileStatusInterval = TimeSpan.Zero });
        var running = host.RunAsync(stop.Token);
        await h.CreateAsync();
        await ConvergeAsync(h, c => true);

        h.Host.DropWatches();
        var first = await h.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.1");
        await ConvergeAsync(h, c => c.Status!.ObservedGeneration == first.Metadata.Generation);

        // Restart with data kept: resuming a watch from an old resourceVersion now gets 410 Gone and must re-list.
        await h.Host.RestartAsync(keepData: true);
        var second = await h.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.2");
        var done = await ConvergeAsync(h, c => c.Status!.ObservedGeneration == second.Metadata.Generation);
        var pods = await h.Kube.CoreV1.ListNamespacedPodAsync(OperatorHarness.Ns);
        Assert.All(pods.Items, p => Assert.Equal("raftex/node:1.2", p.Spec.Containers[0].Image));
        Assert.Equal(done.Status!.UpdateRevision, done.Status.CurrentRevision);

        await stop.CancelAsync();
        await running;
    }

    private static async Task<Raftex.Operator.Api.ExchangeCluster> ConvergeAsync(OperatorHarness h, Func<Raftex.Operator.Api.ExchangeCluster, bool> also)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await h.Pods.SyncAsync();
            var cluster = await h.GetAsync();
            if (OperatorHarness.Converged(cluster) && also(cluster)) { return cluster; }
        }

        throw new Xunit.Sdk.XunitException("not converged within 60 s: " + KubernetesJson.Serialize((await h.GetAsync()).Status));
    }

    [Fact]
    public void Options_parse_with_precise_errors()
    {
        var o = OperatorOptions.Parse(["--kubeconfig", "/k", "--namespace", "trading", "--leader-election", "false", "--metrics-port", "9090"]);
        Assert.Equal("/k", o.Kubeconfig);
        Assert.Equal("trading", o.Namespace);
        Assert.False(o.LeaderElection);
        Assert.Equal(9090, o.MetricsPort);
        Assert.Null(OperatorOptions.Parse(["--all-namespaces"]).Namespace);
        Assert.True(OperatorOptions.Parse([]).LeaderElection);

        Assert.Equal("--metrics-port must be 0-65535, got '70000'", Assert.Throws<ArgumentException>(() => OperatorOptions.Parse(["--metrics-port", "70000"])).Message);
        Assert.Equal("--kubeconfig needs a value", Assert.Throws<ArgumentException>(() => OperatorOptions.Parse(["--kubeconfig"])).Message);
        Assert.Equal("unknown option '--frobnicate'", Assert.Throws<ArgumentException>(() => OperatorOptions.Parse(["--frobnicate"])).Message);
    }

    [Fact]
    public void The_admin_token_file_is_read_trimmed_and_refused_when_missing_or_empty()
    {
        Assert.Null(OperatorOptions.Parse([]).ReadAdminToken());
        var dir = Directory.CreateTempSubdirectory("raftex-token-");
        try
        {
            var file = Path.Combine(dir.FullName, "admin-token");
            File.WriteAllText(file, "s3cret-admin\n");
            Assert.Equal("s3cret-admin", OperatorOptions.Parse(["--admin-token-file", file]).ReadAdminToken());

            File.WriteAllText(file, "  \n");
            Assert.Equal($"--admin-token-file {file} is empty", Assert.Throws<ArgumentException>(() => OperatorOptions.Parse(["--admin-token-file", file]).ReadAdminToken()).Message);
            var missing = Path.Combine(dir.FullName, "missing");
            Assert.Equal($"--admin-token-file {missing} does not exist", Assert.Throws<ArgumentException>(() => OperatorOptions.Parse(["--admin-token-file", missing]).ReadAdminToken()).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
