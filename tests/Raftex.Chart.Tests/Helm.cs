namespace Raftex.Chart.Tests;

/// <summary>The helm binary that tools/helm.sh fetches (once, into the git-ignored .cache/helm/) and a way to run it.</summary>
internal static class Helm
{
    private static readonly Lazy<string> Binary = new(() => Tool.Fetch("helm.sh"));

    /// <summary>Runs helm with <paramref name="args"/> from the repository root.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args) => Tool.Run(Binary.Value, args);

    /// <summary>Renders the chart (release "rx" in namespace "ops") with the given values files; fails the test on an error.</summary>
    public static string Template(params string[] valuesFiles)
    {
        var (code, output, error) = Run(["template", "rx", Repo.Chart, "--namespace", "ops", .. valuesFiles.SelectMany(f => new[] { "-f", f })]);
        Assert.True(code == 0, $"helm template failed ({code}): {error}");
        return output;
    }

    /// <summary>Renders the chart with <paramref name="values"/> (YAML text) as the values file; fails the test on an error.</summary>
    public static string Render(string values)
    {
        var (code, output, error) = TemplateValues(values);
        Assert.True(code == 0, $"helm template failed ({code}): {error}");
        return output;
    }

    /// <summary>Runs <c>helm template</c> of the chart with <paramref name="values"/> (YAML text) as the values file.</summary>
    public static (int Code, string Output, string Error) TemplateValues(string values)
    {
        var file = Path.Combine(Path.GetTempPath(), $"raftex-values-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, values);
        try
        {
            return Run("template", "rx", Repo.Chart, "--namespace", "ops", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
