using k8s;
using k8s.Models;
using Raftex.ApiServer;

namespace Raftex.Controllers.Tests;

/// <summary>The runtime against the in-process API server over HTTP, through KubernetesClient.</summary>
public sealed class IntegrationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static V1ConfigMap Source(string name, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "src" } },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    private static async Task<string?> MirrorValueAsync(Kubernetes client, string name)
    {
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "app=mirror");
        return list.Items.FirstOrDefault(c => c.Metadata.Name == name + "-mirror")?.Data is { } data && data.TryGetValue("value", out var v) ? v : null;
    }

    private static async Task UntilMirroredAsync(Kubernetes client, string name, string value)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (await MirrorValueAsync(client, name) != value)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name}-mirror never reached value {value} (has {await MirrorValueAsync(client, name) ?? "nothing"}).");
            }

            await Task.Delay(10);
        }
    }

    private static async Task SetSourceAsync(Kubernetes client, string name, string value)
    {
        var cm = await client.CoreV1.ReadNamespacedConfigMapAsync(name, "default");
        cm.Data["value"] = value;
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, name, "default");
    }

    [Fact]
    public async Task A_controller_converges_over_http_and_repairs_drift_in_owned_objects()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        await client.CoreV1.CreateNamespacedConfigMapAsync(Source("a", "1"), "default");
        await using var op = new MirrorOperator(server.Url, "op-0", new ActivityLog());
        op.Start();

        await UntilMirroredAsync(client, "a", "1");
        await SetSourceAsync(client, "a", "2");
        await UntilMirroredAsync(client, "a", "2");

        // Someone edits the owned mirror: the owner's key is queued and the edit is undone.
        var mirror = await client.CoreV1.ReadNamespacedConfigMapAsync("a-mirror", "default");
        mirror.Data["value"] = "tampered";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(mirror, "a-mirror", "default");
        await UntilMirroredAsync(client, "a", "2");

        // Someone deletes it: it comes back.
        await client.CoreV1.DeleteNamespacedConfigMapAsync("a-mirror", "default");
        await UntilMirroredAsync(client, "a", "2");
        Assert.True(op.Sources.HasSynced);
        var ownerUid = op.Sources.Cache.Get(new ObjectKey("default", "a"))!.Metadata.Uid;
        await Poll.UntilAsync(() => op.Mirrors.Cache.ListByOwner(ownerUid).Count == 1, "the owner index finds the re-created mirror", Deadline);
    }

    [Fact]
    public async Task The_controller_converges_after_the_server_drops_every_watch()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        await client.CoreV1.CreateNamespacedConfigMapAsync(Source("a", "1"), "default");
        await using var op = new MirrorOperator(server.Url, "op-0", new ActivityLog());
        op.Start();
        await UntilMirroredAsync(client, "a", "1");

        for (var i = 2; i <= 4; i++)
        {
            server.DropWatches();
            await SetSourceAsync(client, "a", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await client.CoreV1.CreateNamespacedConfigMapAsync(Source($"b{i}", "x"), "default");
            await UntilMirroredAsync(client, "a", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await UntilMirroredAsync(client, $"b{i}", "x");
        }

        Assert.True(op.Sources.WatchRestarts >= 3, $"expected the source watch to restart, saw {op.Sources.WatchRestarts}");
    }

    [Fact]
    public async Task After_a_server_restart_the_informer_gets_410_re_lists_and_the_controller_converges()
    {
        // Bookmarks every minute, so the informer's resourceVersion stays at its last own event and is older than
        // the server's after the unrelated write below: resuming after the restart must answer 410.
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMinutes(1) });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        await client.CoreV1.CreateNamespacedConfigMapAsync(Source("a", "1"), "default");
        await using var op = new MirrorOperator(server.Url, "op-0", new ActivityLog());
        op.Start();
        await UntilMirroredAsync(client, "a", "1");
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "unrelated" } }, "default");
        Assert.Equal(1, op.Sources.Lists);

        await server.RestartAsync(keepData: true);
        await Poll.UntilAsync(() => op.Sources.Lists >= 2, "the source informer re-lists after 410", Deadline);

        await SetSourceAsync(client, "a", "after-restart");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Source("b", "new"), "default");
        await UntilMirroredAsync(client, "a", "after-restart");
        await UntilMirroredAsync(client, "b", "new");
    }

    [Fact]
    public async Task Two_replicas_with_leader_election_never_reconcile_at_once_and_fail_over_when_the_leader_stops_renewing()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        await client.CoreV1.CreateNamespacedConfigMapAsync(Source("a", "1"), "default");
        var log = new ActivityLog();
        await using var first = new MirrorOperator(server.Url, "op-0", log);
        await using var second = new MirrorOperator(server.Url, "op-1", log);
        var firstLeases = new PausableLeaseClient(new KubernetesLeaseClient(first.Client));
        var secondLeases = new PausableLeaseClient(new KubernetesLeaseClient(second.Client));
        first.StartWithLeaderElection(firstLeases, log);
        second.StartWithLeaderElection(secondLeases, log);

        await UntilMirroredAsync(client, "a", "1");
        await Poll.UntilAsync(() => first.Elector!.IsLeader ^ second.Elector!.IsLeader, "one replica leads", Deadline);
        var (leader, follower, leaderLeases) = first.Elector!.IsLeader ? (first, second, firstLeases) : (second, first, secondLeases);
        for (var i = 0; i < 5; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(Source($"x{i}", "v"), "default");
        }

        await UntilMirroredAsync(client, "x4", "v");

        // The leader stops renewing (a paused process, a partition from the API server): it must stop working
        // at its renew deadline, and only then may the other replica take over and carry on.
        leaderLeases.Paused = true;
        await Poll.UntilAsync(() => follower.Elector!.IsLeader, "the follower takes over", Deadline);
        Assert.False(leader.Elector!.IsLeader);
        await SetSourceAsync(client, "a", "2");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Source("after", "failover"), "default");
        await UntilMirroredAsync(client, "a", "2");
        await UntilMirroredAsync(client, "after", "failover");

        var entries = log.Snapshot();
        Assert.Equal(0, log.Overlaps);
        var leaderStop = entries.FindIndex(e => e == ("stop", leader.Replica));
        var followerLead = entries.FindIndex(e => e == ("lead", follower.Replica));
        Assert.InRange(leaderStop, 0, followerLead - 1);

        // Every reconcile happened while its replica led: after the failover, only the new leader works.
        Assert.DoesNotContain(("reconcile", leader.Replica), entries.Skip(leaderStop));
        Assert.DoesNotContain(("reconcile", follower.Replica), entries.Take(followerLead));
        Assert.Contains(("reconcile", follower.Replica), entries.Skip(followerLead));
        var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync("mirror-operator", "default");
        Assert.Equal(follower.Replica, lease.Spec.HolderIdentity);
        Assert.True(lease.Spec.LeaseTransitions >= 1);
    }

    /// <summary>Wraps a lease client; while paused, every call hangs until cancelled, like a partition.</summary>
    private sealed class PausableLeaseClient(ILeaseClient inner) : ILeaseClient
    {
        public volatile bool Paused;

        public async Task<V1Lease?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
        {
            await HoldAsync(cancellationToken);
            return await inner.GetAsync(@namespace, name, cancellationToken);
        }

        public async Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken)
        {
            await HoldAsync(cancellationToken);
            return await inner.CreateAsync(lease, cancellationToken);
        }

        public async Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken)
        {
            await HoldAsync(cancellationToken);
            return await inner.ReplaceAsync(lease, cancellationToken);
        }

        private async Task HoldAsync(CancellationToken cancellationToken)
        {
            if (Paused)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
        }
    }
}
