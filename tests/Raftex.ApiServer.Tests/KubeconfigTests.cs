using k8s;

namespace Raftex.ApiServer.Tests;

public sealed class KubeconfigTests
{
    [Fact]
    public async Task KubernetesClient_accepts_the_generated_kubeconfig_and_reaches_the_server()
    {
        await using var s = await TestServer.StartAsync();
        var dir = Directory.CreateTempSubdirectory("raftex-kubeconfig-");
        try
        {
            var path = s.Host.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"), defaultNamespace: "team-a");
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            Assert.Equal("team-a", config.Namespace);
            Assert.Equal(s.Host.Url.GetLeftPart(UriPartial.Authority), config.Host.TrimEnd('/'));

            using var client = new Kubernetes(config);
            await client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("through-kubeconfig"), "default");
            var read = await s.Client.CoreV1.ReadNamespacedConfigMapAsync("through-kubeconfig", "default");
            Assert.Equal("through-kubeconfig", read.Metadata.Name);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
