using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Raftex.Chart.Tests;

/// <summary>
/// The Dockerfiles under docker/ (no container engine runs here, so they are checked as text): multi-stage on the
/// official .NET images, only the published output in the final image, a non-root user, ports exposed, an entry point
/// that is the published project's assembly, and an image name in docker/images.env.
/// </summary>
public sealed partial class DockerfileTests
{
    private static List<string> Names() =>
        [.. Directory.GetFiles(Repo.At("docker"), "*.Dockerfile").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Dockerfiles() => new(Names());

    [Fact]
    public void There_are_dockerfiles_for_the_node_the_operator_and_the_agents()
    {
        var names = Names();
        Assert.Contains("node.Dockerfile", names);
        Assert.Contains("operator.Dockerfile", names);
        Assert.Contains("agents.Dockerfile", names);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_image_is_built_in_stages_on_official_dotnet_images_and_runs_only_the_published_output_as_non_root(string dockerfile)
    {
        var lines = File.ReadAllLines(Repo.At("docker", dockerfile)).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
        var stages = lines.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("FROM ", StringComparison.Ordinal)).Select(p => p.i).ToList();
        Assert.True(stages.Count >= 2, "a multi-stage build");
        Assert.All(stages, i => Assert.StartsWith("FROM mcr.microsoft.com/dotnet/", lines[i], StringComparison.Ordinal));
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:", lines[stages[0]], StringComparison.Ordinal);

        var final = lines[stages[^1]..];
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(aspnet|runtime):", final[0]);
        Assert.All(final.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) || l.StartsWith("ADD ", StringComparison.Ordinal)),
            l => Assert.StartsWith("COPY --from=build /out ", l, StringComparison.Ordinal));
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Split(':')[0];
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"USER {user} must be a non-zero numeric uid (runAsNonRoot needs one)");
        Assert.Contains(final, l => Regex.IsMatch(l, @"^EXPOSE( [0-9]+)+$"));

        var publish = PublishPattern().Match(string.Join('\n', lines[..stages[^1]]));
        Assert.True(publish.Success, "the build stage publishes one project to /out");
        var project = Repo.At(publish.Groups["project"].Value);
        Assert.True(File.Exists(project), $"{publish.Groups["project"].Value} does not exist");
        var assembly = XDocument.Load(project).Descendants("AssemblyName").Single().Value;
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", final);

        foreach (var copy in lines[..stages[^1]].Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(parts[1..^1], source => Assert.True(Path.Exists(Repo.At(source)), $"{dockerfile}: COPY source {source} does not exist"));
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Each_image_has_its_name_in_images_env(string dockerfile)
    {
        var key = $"RAFTEX_{dockerfile[..^".Dockerfile".Length].ToUpperInvariant()}_IMAGE=";
        Assert.Contains(File.ReadAllLines(Repo.At("docker", "images.env")), l => l.StartsWith(key, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"RUN dotnet publish (?<project>\S+\.csproj) .*-o /out")]
    private static partial Regex PublishPattern();
}
