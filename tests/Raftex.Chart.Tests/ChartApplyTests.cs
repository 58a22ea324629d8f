using k8s;
using k8s.Models;
using Raftex.ApiServer;

namespace Raftex.Chart.Tests;

/// <summary>
/// The rendered chart, CRDs included, applied with the real kubectl to the embedded API server on loopback (the
/// GitOps path: <c>helm template --include-crds | kubectl apply -f -</c>): every object is accepted and stored as
/// rendered. (<c>helm install</c> itself keeps its release records in Secrets sent as protobuf, which the embedded
/// server does not speak.)
/// </summary>
public sealed class ChartApplyTests
{
    [Fact]
    public async Task The_rendered_chart_applies_with_kubectl_and_its_objects_are_stored()
    {
        await using var api = await ApiServerHost.StartAsync(new ApiServerOptions { Port = LoopbackPorts.Reserve() });
        using var kube = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });
        await kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "ops" } });
        var dir = Directory.CreateTempSubdirectory("raftex-chart-apply-");
        try
        {
            var kubeconfig = api.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
            var (code, rendered, error) = Helm.Run("template", "rx", Repo.Chart, "--namespace", "ops", "--include-crds");
            Assert.True(code == 0, error);
            var manifest = Path.Combine(dir.FullName, "chart.yaml");
            File.WriteAllText(manifest, rendered);

            (code, var output, error) = Tool.Run("kubectl", ["--kubeconfig", kubeconfig, "apply", "-f", manifest]);
            Assert.True(code == 0, $"kubectl apply failed ({code}):\n{output}\n{error}");

            var crds = (await kube.ApiextensionsV1.ListCustomResourceDefinitionAsync()).Items.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal);
            Assert.Equal(Manifests.GeneratedCrds().Select(c => c.Metadata.Name).Order(StringComparer.Ordinal), crds);
            var deployment = await kube.AppsV1.ReadNamespacedDeploymentAsync("rx-raftex-operator", "ops");
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.True(Assert.Single(deployment.Spec.Template.Spec.Containers).SecurityContext.ReadOnlyRootFilesystem);
            var role = await kube.RbacAuthorizationV1.ReadClusterRoleAsync("rx-raftex-operator");
            Assert.Equal(Assert.Single(Manifests.OfKind<V1ClusterRole>(rendered)).Rules.Count, role.Rules.Count);
            Assert.NotNull(await kube.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("rx-raftex-operator-leader-election", "ops"));
            Assert.NotNull(await kube.CoreV1.ReadNamespacedServiceAccountAsync("rx-raftex-operator", "ops"));
            Assert.NotNull(await kube.CoreV1.ReadNamespacedServiceAsync("rx-raftex-operator-metrics", "ops"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
