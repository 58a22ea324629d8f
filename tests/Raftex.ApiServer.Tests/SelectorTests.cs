using System.Net;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class SelectorTests
{
    private static async Task<TestServer> SeededAsync()
    {
        var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("a", new() { ["app"] = "x", ["tier"] = "db" }), "default");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("b", new() { ["app"] = "x" }), "default");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("c", new() { ["app"] = "y", ["tier"] = "web" }), "default");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("d"), "default");
        return s;
    }

    [Theory]
    [InlineData("app=x", "a,b")]
    [InlineData("app==x", "a,b")]
    [InlineData("app!=x", "c,d")]
    [InlineData("app in (x, y)", "a,b,c")]
    [InlineData("tier notin (db)", "b,c,d")]
    [InlineData("tier", "a,c")]
    [InlineData("!tier", "b,d")]
    [InlineData("app=x,tier", "a")]
    [InlineData("app in (x),!tier", "b")]
    public async Task Label_selectors_filter_lists(string selector, string expected)
    {
        await using var s = await SeededAsync();
        var list = await s.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: selector);
        Assert.Equal(expected, string.Join(",", list.Items.Select(p => p.Metadata.Name)));
    }

    [Fact]
    public async Task Field_selectors_filter_on_name_namespace_and_pod_phase()
    {
        await using var s = await SeededAsync();
        var running = await s.Client.CoreV1.ReadNamespacedPodAsync("c", "default");
        running.Status = new V1PodStatus { Phase = "Running" };
        await s.Client.CoreV1.ReplaceNamespacedPodStatusAsync(running, "c", "default");

        Assert.Equal("c", string.Join(",", (await s.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase=Running")).Items.Select(p => p.Metadata.Name)));
        Assert.Equal("a,b,d", string.Join(",", (await s.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase!=Running")).Items.Select(p => p.Metadata.Name)));
        Assert.Equal("b", string.Join(",", (await s.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name=b")).Items.Select(p => p.Metadata.Name)));
        Assert.Equal(4, (await s.Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "metadata.namespace=default")).Items.Count);
    }

    [Fact]
    public async Task Unsupported_field_and_malformed_label_selectors_are_bad_requests()
    {
        await using var s = await SeededAsync();
        await TestServer.FailsAsync(() => s.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "spec.containers=x"), HttpStatusCode.BadRequest);
        await TestServer.FailsAsync(() => s.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app in x"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_carries_the_current_resourceVersion()
    {
        await using var s = await SeededAsync();
        var list = await s.Client.CoreV1.ListNamespacedPodAsync("default");
        Assert.Equal(s.Host.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Metadata.ResourceVersion);
        Assert.Equal("PodList", list.Kind);
    }
}
