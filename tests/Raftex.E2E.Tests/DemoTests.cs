using System.Globalization;
using System.Text.RegularExpressions;

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
            void Shows(string pattern) => Assert.True(Regex.IsMatch(output, pattern), $"the demo output lacks /{pattern}/:\n{output}");
            Shows("ExchangeCluster demo is Available");
            Shows(@"trading +.*orders [1-9][0-9]* .*fills [1-9]");
            Shows("verdict Pass");
            Shows("rollout complete");
            // Every pod restarted once; a leadership transfer, when the leader had not already moved, comes right before the last restart.
            var steps = Regex.Matches(output, @"^\s+(PodEvicted evicted (\S+)|TransferLeadership)", RegexOptions.Multiline).Select(m => m.Groups[2].Success ? m.Groups[2].Value : "transfer").ToList();
            Assert.True(steps.Where(x => x != "transfer").Order().SequenceEqual(["demo-0", "demo-1", "demo-2"]), $"rollout steps {string.Join(", ", steps)}:\n{output}");
            Assert.True(!steps.Contains("transfer") || steps.IndexOf("transfer") == steps.Count - 2, $"rollout steps {string.Join(", ", steps)}:\n{output}");
            Shows(@"lost acknowledged writes \(chaos probe\): 0 +\([1-9][0-9]* acknowledged deposits");
            Shows(@"second chaos +Delay of follower \S+: verdict Pass");
            Shows(@"lost in the rollout \(chaos probe\): 0 +\(balance [1-9][0-9]* after the partition");
            Shows("ExchangeBackup demo-backup is done");
            var backup = Regex.Match(output, @"backup +demo-backup from node [1-3] at index ([1-9][0-9]*) term [1-9][0-9]*, [1-9][0-9]* bytes, state hash ([0-9a-f]{16})");
            Assert.True(backup.Success, $"no backup line:\n{output}");
            Shows($@"restore +demo-restored \(3 ready, cluster id [0-9a-f]{{32}}, not [0-9a-f]{{32}}\) started at index {backup.Groups[1].Value} with state hash {backup.Groups[2].Value}");
            Shows("raftex local down: stopped");
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
