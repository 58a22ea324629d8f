using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Raftex.Chaos;

/// <summary>Reads a ChaosExperiment manifest (the same YAML <c>kubectl apply</c> takes) without Kubernetes.</summary>
public static class ChaosYaml
{
    /// <summary>raftex.io/v1alpha1</summary>
    public const string ApiVersion = "raftex.io/v1alpha1";

    /// <summary>ChaosExperiment</summary>
    public const string Kind = "ChaosExperiment";

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>The experiment's name and spec, or precise errors (line and column for YAML problems, field paths for spec problems).</summary>
    public static (string Name, ChaosExperimentSpec? Spec, IReadOnlyList<string> Errors) Parse(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        Manifest? manifest;
        try
        {
            manifest = Deserializer.Deserialize<Manifest?>(yaml);
        }
        catch (YamlException e)
        {
            var why = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            return (string.Empty, null, [$"{source}:{e.Start.Line}:{e.Start.Column}: {why}"]);
        }

        if (manifest is null)
        {
            return (string.Empty, null, [$"{source}: empty document"]);
        }

        var errors = new List<string>();
        if (manifest.ApiVersion != ApiVersion)
        {
            errors.Add($"{source}: apiVersion is '{manifest.ApiVersion}', expected {ApiVersion}");
        }

        if (manifest.Kind != Kind)
        {
            errors.Add($"{source}: kind is '{manifest.Kind}', expected {Kind}");
        }

        if (manifest.Spec is null)
        {
            errors.Add($"{source}: spec is missing");
        }

        return (manifest.Metadata?.Name ?? string.Empty, manifest.Spec, errors);
    }

    // The manifest's shape; status and metadata extras are accepted so an exported object parses too.
    internal sealed class Manifest
    {
        public string? ApiVersion { get; set; }
        public string? Kind { get; set; }
        public ManifestMetadata? Metadata { get; set; }
        public ChaosExperimentSpec? Spec { get; set; }
        public Dictionary<string, object>? Status { get; set; }
    }

    internal sealed class ManifestMetadata
    {
        public string? Name { get; set; }
        public string? Namespace { get; set; }
        public Dictionary<string, string>? Labels { get; set; }
        public Dictionary<string, string>? Annotations { get; set; }
    }
}
