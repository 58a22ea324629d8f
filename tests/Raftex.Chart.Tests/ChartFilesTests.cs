using YamlDotNet.RepresentationModel;

namespace Raftex.Chart.Tests;

/// <summary>Files of the chart that must follow others: the CRDs, the image names, and the documentation of every value.</summary>
public sealed class ChartFilesTests
{
    [Fact]
    public void The_chart_crds_are_byte_identical_to_the_generated_crds()
    {
        var generated = Directory.GetFiles(Repo.At("crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var chart = Directory.GetFiles(Path.Combine(Repo.Chart, "crds")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(generated);
        Assert.True(generated.SequenceEqual(chart), $"charts/raftex-operator/crds holds [{string.Join(", ", chart)}], crds/ holds [{string.Join(", ", generated)}]; run `make crds`");
        foreach (var name in generated)
        {
            Assert.True(
                File.ReadAllBytes(Repo.At("crds", name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Repo.Chart, "crds", name!))),
                $"charts/raftex-operator/crds/{name} differs from crds/{name}; run `make crds`");
        }
    }

    [Fact]
    public void Every_value_in_values_yaml_has_a_comment()
    {
        var path = Path.Combine(Repo.Chart, "values.yaml");
        var lines = File.ReadAllLines(path);
        var stream = new YamlStream();
        stream.Load(new StringReader(string.Join('\n', lines)));
        var undocumented = new List<string>();

        void Walk(YamlMappingNode map, string prefix)
        {
            foreach (var (key, value) in map.Children)
            {
                var name = prefix + ((YamlScalarNode)key).Value;
                var line = (int)key.Start.Line - 1;
                var above = line > 0 ? lines[line - 1].TrimStart() : string.Empty;
                // A value is a leaf (scalar, list or empty map); a non-empty map only groups values that carry their own comments.
                var leaf = value is not YamlMappingNode { Children.Count: > 0 };
                if (leaf && !above.StartsWith('#') && !lines[line].Contains(" # ", StringComparison.Ordinal))
                {
                    undocumented.Add($"{name} (line {line + 1})");
                }

                if (value is YamlMappingNode child)
                {
                    Walk(child, name + ".");
                }
            }
        }

        Walk((YamlMappingNode)stream.Documents[0].RootNode, string.Empty);
        Assert.True(undocumented.Count == 0, "values without a comment: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void The_chart_and_the_examples_use_the_image_names_of_docker_images_env()
    {
        var images = File.ReadAllLines(Repo.At("docker", "images.env"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Contains("RAFTEX_NODE_IMAGE", images.Keys);

        var deployment = Assert.Single(Manifests.OfKind<k8s.Models.V1Deployment>(Helm.Template()));
        Assert.Equal(images["RAFTEX_OPERATOR_IMAGE"], Assert.Single(deployment.Spec.Template.Spec.Containers).Image);

        var used = new List<(string File, string Image)>();
        foreach (var file in Directory.GetFiles(Repo.At("examples"), "*.yaml"))
        {
            foreach (var doc in YamlJson.Documents(File.ReadAllText(file)))
            {
                used.AddRange(ImagesIn(doc).Select(i => (Path.GetFileName(file), i)));
            }
        }

        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(images.ContainsValue(u.Image), $"examples/{u.File} uses image {u.Image}, not one of docker/images.env"));
    }

    private static IEnumerable<string> ImagesIn(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => p.Key == "image" && p.Value is System.Text.Json.Nodes.JsonValue v ? [v.GetValue<string>()] : ImagesIn(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(ImagesIn),
        _ => [],
    };
}
