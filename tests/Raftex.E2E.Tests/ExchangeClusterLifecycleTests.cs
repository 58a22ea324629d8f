using System.Text.Json.Nodes;

namespace Raftex.E2E.Tests;

/// <summary>What an operator user does with kubectl, against one local platform: scale, lose a pod, kill the leader, delete.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ExchangeClusterLifecycleTests(LocalPlatformFixture platform) : IClassFixture<LocalPlatformFixture>
{
    private static readonly TimeSpan MembershipStep = LocalPlatformFixture.ClusterReady;

    private Kubectl Kubectl => platform.Kubectl;

    [Fact]
    public async Task Scaling_3_to_5_to_3_changes_the_raft_membership_and_the_pods()
    {
        var ns = await platform.NamespaceAsync("scale");
        await platform.CreateClusterAsync(ns, "xs");

        await Kubectl.RunAsync("scale", "xc/xs", "-n", ns, "--replicas=5");
        await LocalPlatformFixture.UntilAsync(async () => await VotersAsync(ns, "xs") == 5 && await ReadyPodsAsync(ns) == 5,
            "5 voters and 5 ready pods", MembershipStep * 2);

        await Kubectl.RunAsync("scale", "xc/xs", "-n", ns, "--replicas=3");
        await LocalPlatformFixture.UntilAsync(async () => await VotersAsync(ns, "xs") == 3 && await PodCountAsync(ns) == 3,
            "3 voters and 3 pods", MembershipStep * 2);
        var cluster = await Kubectl.JsonAsync("get", "xc", "xs", "-n", ns);
        Assert.Equal("True", LocalPlatformFixture.Condition(cluster, "Available"));
        Assert.Equal(["xs-0", "xs-1", "xs-2"], cluster["status"]!["members"]!.AsArray().Select(m => (string)m!["pod"]!).Order());
        await Kubectl.RunAsync("delete", "namespace", ns);
    }

    [Fact]
    public async Task A_deleted_node_pod_comes_back_on_its_claim_and_rejoins_as_itself()
    {
        var ns = await platform.NamespaceAsync("recover");
        await platform.CreateClusterAsync(ns, "xr");
        var before = await Kubectl.JsonAsync("get", "pod", "xr-1", "-n", ns);
        var incarnation = Member(await Kubectl.JsonAsync("get", "xc", "xr", "-n", ns), "xr-1")["incarnation"]!.GetValue<string>();

        await Kubectl.RunAsync("delete", "pod", "xr-1", "-n", ns);

        await LocalPlatformFixture.UntilAsync(async () =>
        {
            var pod = await Kubectl.FindAsync("get", "pod", "xr-1", "-n", ns);
            return pod is not null && (string?)pod["metadata"]!["uid"] != (string?)before["metadata"]!["uid"]
                && LocalPlatformFixture.Condition(pod, "Ready") == "True";
        }, "a new xr-1 is Ready", LocalPlatformFixture.ClusterReady);
        await LocalPlatformFixture.UntilAsync(async () =>
        {
            var cluster = await Kubectl.JsonAsync("get", "xc", "xr", "-n", ns);
            return LocalPlatformFixture.Condition(cluster, "Available") == "True" && Member(cluster, "xr-1")["ready"]?.GetValue<bool>() == true;
        }, "xr-1 is a ready member again", LocalPlatformFixture.ClusterReady);

        // Same incarnation: the new pod found the old data directory on its claim, so it is the same member, not a new one.
        Assert.Equal(incarnation, Member(await Kubectl.JsonAsync("get", "xc", "xr", "-n", ns), "xr-1")["incarnation"]!.GetValue<string>());
        await Kubectl.RunAsync("delete", "namespace", ns);
    }

    [Fact]
    public async Task A_pod_kill_experiment_on_the_leader_passes_and_the_kubelet_restarts_the_process()
    {
        var ns = await platform.NamespaceAsync("podkill");
        await platform.CreateClusterAsync(ns, "xk");
        var (code, output, error) = await Kubectl.ApplyAsync("""
            apiVersion: raftex.io/v1alpha1
            kind: ChaosExperiment
            metadata:
              name: kill-leader
            spec:
              clusterRef: xk
              action: PodKill
              selector: {mode: One, role: Leader}
              podKill: {method: Crash}
              checks: {maxRecoverySeconds: 60}
            """, ns);
        Assert.True(code == 0, error + output);

        JsonNode? experiment = null;
        await LocalPlatformFixture.UntilAsync(async () =>
        {
            experiment = await Kubectl.JsonAsync("get", "chaosexperiment", "kill-leader", "-n", ns);
            return experiment["status"]?["verdict"] is not null;
        }, "the pod-kill experiment has a verdict", LocalPlatformFixture.ClusterReady * 2);

        var status = experiment!["status"]!;
        Assert.True((string?)status["verdict"] == "Pass", $"verdict {status["verdict"]}: {status["reason"]}");
        var target = (string)status["target"]!;
        Assert.Equal((string?)status["leaderBefore"]!["pod"], target);
        var pod = await Kubectl.JsonAsync("get", "pod", target, "-n", ns);
        Assert.True(pod["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>() >= 1, "the crashed node's container was restarted in place");
        await Kubectl.RunAsync("delete", "namespace", ns);
    }

    [Fact]
    public async Task Deleting_an_exchange_cluster_removes_its_children_and_stops_its_processes()
    {
        var ns = await platform.NamespaceAsync("delete");
        await platform.CreateClusterAsync(ns, "xd");
        var ips = (await Kubectl.JsonAsync("get", "pods", "-n", ns))["items"]!.AsArray().Select(p => (string)p!["status"]!["podIP"]!).ToList();
        Assert.Equal(3, ips.Count);
        Assert.All(ips, ip => Assert.NotEmpty(PodNetwork.Listeners(ip + ":")));

        await Kubectl.RunAsync("delete", "xc", "xd", "-n", ns);

        await LocalPlatformFixture.UntilAsync(async () => (await Kubectl.RunAsync("get", "statefulsets,pods,services,configmaps,poddisruptionbudgets", "-n", ns, "-o", "name"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).All(n => n == "configmap/kube-root-ca.crt"),
            "every child of xd is gone", LocalPlatformFixture.ClusterReady);
        await LocalPlatformFixture.UntilAsync(() => Task.FromResult(ips.All(ip => PodNetwork.Listeners(ip + ":").Count == 0)),
            "no process listens on the old pod IPs", LocalPlatformFixture.ClusterReady);
        await Kubectl.RunAsync("delete", "namespace", ns);
    }

    private static JsonNode Member(JsonNode cluster, string pod) =>
        cluster["status"]!["members"]!.AsArray().Single(m => (string?)m!["pod"] == pod)!;

    private async Task<int> VotersAsync(string ns, string name) =>
        (await Kubectl.JsonAsync("get", "xc", name, "-n", ns))["status"]?["members"]?.AsArray().Count(m => (string?)m!["role"] == "Voter") ?? 0;

    private async Task<int> ReadyPodsAsync(string ns) =>
        (await Kubectl.JsonAsync("get", "pods", "-n", ns))["items"]!.AsArray().Count(p => LocalPlatformFixture.Condition(p!, "Ready") == "True");

    private async Task<int> PodCountAsync(string ns) => (await Kubectl.JsonAsync("get", "pods", "-n", ns))["items"]!.AsArray().Count;
}
