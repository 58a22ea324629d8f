using System.Globalization;

namespace Raftex.E2E.Tests;

/// <summary>
/// `make demo` as a user runs it (tools/demo.sh; the build is the test project's own): the platform comes up, kubectl
/// applies the CRDs, a 3-node cluster, an AgentFleet, a leader partition and a rolling restart, the summary reports what
/// the cluster measured, and everything stops.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DemoTests
{
    [Fact]
    public async Task Make_demo_runs_the_whole_mission_and_leaves_nothing_running()
    {
        var state = Path.Combine(Path.GetTempPath(), $"raftex-demo-{Guid.NewGuid():N}");
        var network = PodNetwork.ForThisProcess;
        try
        {
            var (code, output, error) = await Repository.RunAsync(Path.Combine(Repository.Root, "tools", "demo.sh"), [], TimeSpan.FromMinutes(8), new Dictionary<string, string>
            {
                ["STATE"] = state,
                ["API_PORT"] = LoopbackPorts.Reserve().ToString(CultureInfo.InvariantCulture),
                ["POD_NETWORK"] = network,
                ["CONFIG"] = Repository.Configuration,
                ["BUILD"] = "0",
            });

            Assert.True(code == 0, $"tools/demo.sh exited {code}:\n{output}\n{error}");
            Assert.Contains("ExchangeCluster demo is Available", output, StringComparison.Ordinal);
            Assert.Matches(@"trading +.*orders [1-9][0-9]* .*fills [1-9]", output);
            Assert.Contains("verdict Pass", output, StringComparison.Ordinal);
            Assert.Contains("rollout complete", output, StringComparison.Ordinal);
            Assert.Matches(@"TransferLeadership leadership from node \d+ to node \d+\s+\S+ PodEvicted evicted", output);
            Assert.Matches(@"lost acknowledged writes \(chaos probe\): 0 +\(([1-9][0-9]*) acknowledged deposits", output);
            Assert.Contains("raftex local down: stopped", output, StringComparison.Ordinal);
            Assert.Empty(PodNetwork.Listeners(network + "."));
        }
        finally
        {
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }
    }
}
