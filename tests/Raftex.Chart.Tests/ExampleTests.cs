namespace Raftex.Chart.Tests;

/// <summary>Every examples/*.yaml against the CRDs of crds/, offline; new examples and CRDs are picked up as they appear.</summary>
public sealed class ExampleTests
{
    [Fact]
    public async Task Every_example_loads_as_its_custom_resource_type_and_passes_the_generated_schema()
    {
        await using var validator = await ExampleValidator.StartAsync();
        var files = Directory.GetFiles(Repo.At("examples"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f.EndsWith("exchangecluster.yaml", StringComparison.Ordinal));
        var problems = new List<string>();
        foreach (var file in files)
        {
            problems.AddRange(await validator.ValidateAsync("examples/" + Path.GetFileName(file), File.ReadAllText(file)));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_examples_hold_a_three_and_a_five_node_exchange_cluster()
    {
        var replicas = Directory.GetFiles(Repo.At("examples"), "*.yaml")
            .SelectMany(f => Manifests.Load(File.ReadAllText(f)))
            .OfType<Raftex.Operator.Api.ExchangeCluster>()
            .Select(c => c.Spec.Replicas)
            .ToList();
        Assert.Contains(3, replicas);
        Assert.Contains(5, replicas);
    }

    [Theory]
    [InlineData("spec:\n  replicas: 12\n  image: raftex/node:1.0\n  symbols: [{name: BTC-USD, tickSize: \"0.01\", lotSize: \"0.0001\"}]\n  storage: {size: 1Gi}\n",
        "spec.replicas")]
    [InlineData("spec:\n  image: raftex/node:1.0\n  symbols: [{name: btc, tickSize: \"0.01\", lotSize: \"0.0001\"}]\n  storage: {size: 1Gi}\n",
        "spec.symbols[0].name")]
    [InlineData("spec:\n  image: raftex/node:1.0\n  replicaCount: 3\n  symbols: [{name: BTC-USD, tickSize: \"0.01\", lotSize: \"0.0001\"}]\n  storage: {size: 1Gi}\n",
        "replicaCount")]
    public async Task A_bad_example_is_reported_with_the_field_at_fault(string spec, string field)
    {
        await using var validator = await ExampleValidator.StartAsync();
        var problems = await validator.ValidateAsync("bad.yaml", "apiVersion: raftex.io/v1alpha1\nkind: ExchangeCluster\nmetadata:\n  name: bad\n" + spec);
        Assert.Contains(problems, p => p.Contains(field, StringComparison.Ordinal));
    }
}
