using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s;
using Raftex.Operator.Api;

namespace Raftex.Operator.Tests.EndToEnd;

public sealed class OperatorProcessTests
{
    [Fact]
    public async Task The_operator_process_bootstraps_a_cluster_through_a_kubeconfig_and_serves_metrics()
    {
        await using var h = await OperatorHarness.StartAsync();
        var dir = Directory.CreateTempSubdirectory("raftex-operator-");
        var kubeconfig = h.Host.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
        await h.CreateAsync();
        var port = LoopbackPorts.Reserve();

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "raftex-operator.dll"), "run", "--kubeconfig", kubeconfig, "--namespace", "default",
                "--lease-namespace", "default", "--identity", "test-replica", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--metrics-address", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var timeout = TimeSpan.FromSeconds(60);
            var bootstrapped = Poll.UntilAsync(
                async () =>
                {
                    Assert.False(process.HasExited, "operator exited: " + string.Join("\n", output));
                    var cluster = await h.GetAsync();
                    return cluster.Status?.ClusterId is not null
                        && (await h.Kube.AppsV1.ListNamespacedStatefulSetAsync("default")).Items.Any(s => s.Metadata.Name == "xc1");
                },
                "the operator process bootstraps xc1",
                timeout);
            var failure = await Record.ExceptionAsync(() => bootstrapped);
            Assert.True(failure is null, $"{failure?.Message}\noperator output:\n{string.Join("\n", output)}");

            var lease = await h.Kube.CoordinationV1.ReadNamespacedLeaseAsync("raftex-operator", "default");
            Assert.Equal("test-replica", lease.Spec.HolderIdentity);

            using var http = new HttpClient();
            // The counter moves when the first reconcile returns, which may be after the status we saw was written.
            var metrics = string.Empty;
            await Poll.UntilAsync(
                async () =>
                {
                    metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
                    return metrics.Contains("raftex_operator_reconciles_total", StringComparison.Ordinal);
                },
                "the operator's /metrics to count a reconcile",
                timeout);

            Assert.Contains("raftex_operator_reconciles_total", metrics, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
    }
}
