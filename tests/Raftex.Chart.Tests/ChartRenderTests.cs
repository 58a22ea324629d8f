using k8s.Models;

namespace Raftex.Chart.Tests;

/// <summary>helm lint and helm template over the chart, with default values and with every option turned on.</summary>
public sealed class ChartRenderTests
{
    public static readonly string AllOn = Path.Combine(Repo.Chart, "ci", "all-on-values.yaml");

    public static TheoryData<string> ValuesFiles => new() { string.Empty, AllOn };

    private static string[] Files(string values) => values.Length == 0 ? [] : [values];

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Helm_lint_passes(string values)
    {
        var (code, output, error) = Helm.Run(["lint", Repo.Chart, "--strict", .. Files(values).SelectMany(f => new[] { "-f", f })]);
        Assert.True(code == 0, $"helm lint failed ({code}):\n{output}\n{error}");
        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Every_rendered_document_parses_as_its_kubernetes_type(string values)
    {
        var yaml = Helm.Template(Files(values));
        var objects = Manifests.Load(yaml);
        Assert.Equal(YamlJson.Documents(yaml).Count, objects.Count);
        Assert.All(objects, o => Assert.IsNotType<object>(o));
    }

    [Fact]
    public void Defaults_render_the_operator_and_no_monitoring_objects()
    {
        var kinds = Manifests.Load(Helm.Template()).Select(o => o.GetType()).ToList();
        Assert.Equal(
            [typeof(V1ClusterRole), typeof(V1ClusterRoleBinding), typeof(V1Deployment), typeof(V1Role), typeof(V1RoleBinding), typeof(V1Service), typeof(V1ServiceAccount)],
            kinds.OrderBy(t => t.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_option_on_renders_each_monitoring_object()
    {
        var objects = Manifests.Load(Helm.Template(AllOn));
        Assert.Single(objects.OfType<ServiceMonitor>());
        Assert.Single(objects.OfType<PodMonitor>());
        Assert.Single(objects.OfType<PrometheusRule>());
        var dashboard = Assert.Single(objects.OfType<V1ConfigMap>());
        Assert.Equal("monitoring", dashboard.Metadata.NamespaceProperty);
        Assert.Equal("1", dashboard.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Chart, "dashboards", "raftex.json")).TrimEnd(), dashboard.Data["raftex.json"]);
    }

    [Fact]
    public void The_default_deployment_runs_two_leader_elected_non_root_replicas_with_probes_and_a_read_only_root()
    {
        var deployment = Assert.Single(Manifests.OfKind<V1Deployment>(Helm.Template()));
        Assert.Equal(2, deployment.Spec.Replicas);
        var pod = deployment.Spec.Template.Spec;
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("raftex/operator:1.0", container.Image);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.ReadinessProbe.HttpGet.Path);
        Assert.NotNull(container.Resources.Requests["memory"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
        var args = string.Join(' ', container.Args);
        Assert.Contains("--leader-election true", args, StringComparison.Ordinal);
        Assert.Contains("--lease-namespace ops", args, StringComparison.Ordinal);
        Assert.Contains("--all-namespaces", args, StringComparison.Ordinal);
        Assert.Contains(container.Env, e => e.Name == "POD_NAMESPACE" && e.ValueFrom.FieldRef.FieldPath == "metadata.namespace");

        var service = Assert.Single(Manifests.OfKind<V1Service>(Helm.Template()));
        Assert.Equal("metrics", Assert.Single(service.Spec.Ports).TargetPort.Value);
        Assert.All(deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, service.Spec.Selector[l.Key]));
    }

    [Fact]
    public void Namespace_scope_makes_the_operator_watch_only_that_namespace()
    {
        var deployment = Assert.Single(Manifests.OfKind<V1Deployment>(Helm.Template(AllOn)));
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Contains("--namespace trading", string.Join(' ', container.Args), StringComparison.Ordinal);
        Assert.DoesNotContain("--all-namespaces", container.Args);
        Assert.Contains("--admin-token-file /var/run/raftex/admin-token/token", string.Join(' ', container.Args), StringComparison.Ordinal);
    }

    [Fact]
    public void The_backup_volume_is_mounted_into_the_operator_only_when_asked_for()
    {
        var deployment = Assert.Single(Manifests.OfKind<V1Deployment>(Helm.Template(AllOn)));
        var pod = deployment.Spec.Template.Spec;
        var volume = Assert.Single(pod.Volumes, v => v.PersistentVolumeClaim?.ClaimName == "raftex-backups");
        var mount = Assert.Single(Assert.Single(pod.Containers).VolumeMounts, m => m.Name == volume.Name);
        Assert.Equal("/var/lib/raftex-backups", mount.MountPath);

        var plain = Assert.Single(Manifests.OfKind<V1Deployment>(Helm.Template(string.Empty)));
        Assert.DoesNotContain(plain.Spec.Template.Spec.Volumes ?? [], v => v.PersistentVolumeClaim is not null || v.HostPath is not null);
    }

    [Theory]
    [InlineData("replicaCount: two\n", "replicaCount: Invalid type. Expected: integer, given: string")]
    [InlineData("rbac:\n  scope: everywhere\n", "rbac.scope must be one of the following: \"cluster\", \"namespace\"")]
    [InlineData("monitoring:\n  podMonitor:\n    enabled: true\n    intervall: 10s\n", "Additional property intervall is not allowed")]
    [InlineData("image:\n  repository: \"raftex/operator:1.0\"\n", "image.repository: Does not match pattern")]
    public void The_schema_rejects_a_bad_values_file_naming_the_field(string values, string message)
    {
        var (code, output, error) = Helm.TemplateValues(values);
        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("values don't meet the specifications of the schema", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_replicas_without_leader_election_are_refused()
    {
        var (code, _, error) = Helm.TemplateValues("leaderElection:\n  enabled: false\n  leaseName: x\n");
        Assert.NotEqual(0, code);
        Assert.Contains("leaderElection.enabled=false needs replicaCount 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_packages_into_a_tgz_holding_the_crds_and_templates()
    {
        var dir = Directory.CreateTempSubdirectory("raftex-chart-");
        try
        {
            var (code, output, error) = Helm.Run("package", Repo.Chart, "--destination", dir.FullName);
            Assert.True(code == 0, error);
            var tgz = Path.Combine(dir.FullName, "raftex-operator-0.1.0.tgz");
            Assert.Contains(tgz, output, StringComparison.Ordinal);
            var entries = TarEntries(tgz);
            Assert.Contains("raftex-operator/values.schema.json", entries);
            Assert.Contains("raftex-operator/templates/NOTES.txt", entries);
            Assert.Contains("raftex-operator/dashboards/raftex.json", entries);
            foreach (var crd in Directory.GetFiles(Repo.At("crds"), "*.yaml"))
            {
                Assert.Contains($"raftex-operator/crds/{Path.GetFileName(crd)}", entries);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static List<string> TarEntries(string tgz)
    {
        using var file = File.OpenRead(tgz);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var tar = new System.Formats.Tar.TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }
}
