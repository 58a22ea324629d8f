namespace Raftex.E2E.Tests;

/// <summary>Bad ExchangeCluster specs are refused with a message that says what is wrong, never silently accepted.</summary>
[Collection(PlatformCollection.Name)]
public sealed class InvalidSpecTests(LocalPlatformFixture platform) : IClassFixture<LocalPlatformFixture>
{
    [Fact]
    public async Task An_unknown_field_is_rejected_by_kubectl_apply_without_any_validate_flag()
    {
        var (code, _, error) = await platform.Kubectl.ApplyAsync(LocalPlatformFixture.ExchangeCluster("typo", extraSpec: "  replicaz: 3"));

        Assert.NotEqual(0, code);
        Assert.Contains("unknown field \"spec.replicaz\"", error, StringComparison.Ordinal);
        Assert.Null(await platform.Kubectl.FindAsync("get", "xc", "typo"));
    }

    [Fact]
    public async Task Zero_replicas_are_rejected_by_the_schema_with_the_field_and_the_bound()
    {
        var (code, _, error) = await platform.Kubectl.ApplyAsync(LocalPlatformFixture.ExchangeCluster("empty", replicas: 0));

        Assert.NotEqual(0, code);
        Assert.Contains("spec.replicas", error, StringComparison.Ordinal);
        Assert.Contains("greater than or equal to 1", error, StringComparison.Ordinal);
        Assert.Null(await platform.Kubectl.FindAsync("get", "xc", "empty"));
    }

    [Fact]
    public async Task An_image_that_is_not_built_locally_leaves_the_pods_waiting_with_the_reason_and_the_cluster_unavailable()
    {
        var ns = await platform.NamespaceAsync("badimage");
        var (code, output, error) = await platform.Kubectl.ApplyAsync(LocalPlatformFixture.ExchangeCluster("xb", image: "nginx:1.27"), ns);
        Assert.True(code == 0, error + output);

        string? reason = null, message = null;
        await LocalPlatformFixture.UntilAsync(async () =>
        {
            var pod = await platform.Kubectl.FindAsync("get", "pod", "xb-0", "-n", ns);
            var waiting = pod?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"];
            reason = (string?)waiting?["reason"];
            message = (string?)waiting?["message"];
            return reason is not null && reason != "ContainerCreating";
        }, "xb-0 reports why its container cannot start", LocalPlatformFixture.ClusterReady);

        Assert.Equal("ErrImagePull", reason);
        Assert.Contains("image 'nginx:1.27' is not built locally", message, StringComparison.Ordinal);
        Assert.Contains("ErrImagePull", await platform.Kubectl.RunAsync("get", "pods", "-n", ns), StringComparison.Ordinal);
        Assert.NotEqual("True", LocalPlatformFixture.Condition(await platform.Kubectl.JsonAsync("get", "xc", "xb", "-n", ns), "Available"));
        await platform.Kubectl.RunAsync("delete", "namespace", ns);
    }
}
