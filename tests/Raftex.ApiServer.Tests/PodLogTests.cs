using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

/// <summary>GET pods/{name}/log (kubectl logs) from the files a kubelet names, and the pod table's STATUS reasons.</summary>
public sealed class PodLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("raftex-podlogs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string LogOf(string ns, string pod, string container) => Path.Combine(_dir, $"{ns}_{pod}_{container}.log");

    [Fact]
    public async Task Kubectl_logs_reads_the_container_log_whole_or_its_tail_and_refuses_an_unnamed_container_of_a_two_container_pod()
    {
        await using var s = await TestServer.StartAsync(new ApiServerOptions { PodLogs = LogOf });
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("web-0", new() { ["app"] = "web" }), "default");
        var two = Objects.Pod("two-0", new() { ["app"] = "two" });
        two.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "raftex/agents:1.0" });
        await s.Client.CoreV1.CreateNamespacedPodAsync(two, "default");
        var container = (await s.Client.CoreV1.ReadNamespacedPodAsync("web-0", "default")).Spec.Containers[0].Name;
        await File.WriteAllTextAsync(LogOf("default", "web-0", container), "one\ntwo\nthree\n");
        using var kubectl = new Kubectl(s.Host);

        Assert.Equal("one\ntwo\nthree\n", await kubectl.OkAsync("logs", "web-0"));
        Assert.Equal("two\nthree\n", await kubectl.OkAsync("logs", "web-0", "--tail=2"));
        Assert.Equal(string.Empty, await kubectl.OkAsync("logs", "web-0", "--tail=0"));
        await File.WriteAllTextAsync(LogOf("default", "two-0", "sidecar"), "from the sidecar\n");
        Assert.Equal("from the sidecar\n", await kubectl.OkAsync("logs", "two-0", "-c", "sidecar"));
        // kubectl picks a container itself; a client that names none gets the server's list of choices.
        var (status, body) = await s.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/two-0/log");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
        Assert.Contains($"a container name must be specified for pod two-0, choose one of: [{container} sidecar]", (string?)body?["message"], StringComparison.Ordinal);
        var (badCode, _, badError) = await kubectl.RunAsync("logs", "web-0", "-c", "nope");
        Assert.NotEqual(0, badCode);
        Assert.Contains("container nope is not valid for pod web-0", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_a_kubelet_answers_logs_with_a_clear_refusal()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("web-0", new() { ["app"] = "web" }), "default");
        using var kubectl = new Kubectl(s.Host);

        var (code, _, error) = await kubectl.RunAsync("logs", "web-0");

        Assert.NotEqual(0, code);
        Assert.Contains("no kubelet serves logs on this server", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pod_table_shows_why_a_container_waits_or_ended_and_the_node_table_its_readiness()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("pull-0", new() { ["app"] = "a" }), "default");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("done-0", new() { ["app"] = "b" }), "default");
        await SetStatusAsync(s, "pull-0", new V1PodStatus { Phase = "Pending", ContainerStatuses = [Status(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ErrImagePull" } })] });
        await SetStatusAsync(s, "done-0", new V1PodStatus { Phase = "Failed", ContainerStatuses = [Status(new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 3 } })] });
        await s.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "n1" } });
        await s.Client.CoreV1.PatchNodeStatusAsync(new V1Patch(KubernetesJson.Serialize(new V1Node
        {
            Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }], NodeInfo = new V1NodeSystemInfo { KubeletVersion = "raftex-local", Architecture = "", BootID = "", ContainerRuntimeVersion = "", KernelVersion = "", KubeProxyVersion = "", MachineID = "", OperatingSystem = "", OsImage = "", SystemUUID = "" } },
        }), V1Patch.PatchType.MergePatch), "n1");
        using var kubectl = new Kubectl(s.Host);

        var pods = await kubectl.OkAsync("get", "pods");
        Assert.Matches(@"pull-0\s+0/1\s+ErrImagePull\s", pods);
        Assert.Matches(@"done-0\s+0/1\s+ExitCode:3\s", pods);
        Assert.Matches(@"n1\s+Ready\s+<none>\s+\S+\s+raftex-local", await kubectl.OkAsync("get", "nodes"));
    }

    private static V1ContainerStatus Status(V1ContainerState state) =>
        new() { Name = "c", Image = "raftex/node:1.0", ImageID = "", Ready = false, RestartCount = 0, State = state };

    private static Task SetStatusAsync(TestServer s, string pod, V1PodStatus status) =>
        s.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(new V1Pod { Status = status }), V1Patch.PatchType.MergePatch), pod, "default");
}
