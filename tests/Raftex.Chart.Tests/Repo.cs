namespace Raftex.Chart.Tests;

/// <summary>Paths in the repository, found from the test's output directory.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    public static string Chart => At("charts", "raftex-operator");

    public static string At(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The build configuration of this test assembly (.../bin/&lt;Configuration&gt;/net10.0/).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Cluster.sln above {AppContext.BaseDirectory}");
    }
}
