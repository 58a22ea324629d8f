namespace Raftex.Local.Kubelet;

/// <summary>
/// Maps container images to locally built executables: the image's repository (the part before the tag, e.g.
/// <c>raftex/node</c> of <c>raftex/node:1.0</c>) names a .NET assembly that runs as <c>dotnet &lt;dll&gt; args…</c>,
/// the entrypoint of the matching Dockerfile. An image it does not know cannot be pulled.
/// </summary>
public sealed class ImageCatalog(IReadOnlyDictionary<string, ImageEntry> byRepository)
{
    /// <summary>The Raftex images of docker/images.env, built under <paramref name="repositoryRoot"/> in <paramref name="configuration"/>.</summary>
    public static ImageCatalog ForRepository(string repositoryRoot, string configuration = "Release")
    {
        string Dll(string project, string assembly) =>
            Path.Combine(repositoryRoot, project, "bin", configuration, "net10.0", assembly + ".dll");
        return new ImageCatalog(new Dictionary<string, ImageEntry>(StringComparer.Ordinal)
        {
            ["raftex/node"] = new(Dll("node/Raftex.Node", "raftex-node"), []),
            ["raftex/agents"] = new(Dll("node/Raftex.Agents", "raftex-agents"), []),
            ["raftex/operator"] = new(Dll("operator/Raftex.Operator", "raftex-operator"), ["run"]),
        });
    }

    /// <summary>The repositories this catalog can run.</summary>
    public IEnumerable<string> Repositories => byRepository.Keys.Order(StringComparer.Ordinal);

    /// <summary>The entry for <paramref name="image"/>, or null with the reason it cannot run.</summary>
    public ImageEntry? Find(string? image, out string reason)
    {
        var repository = RepositoryOf(image ?? string.Empty);
        if (!byRepository.TryGetValue(repository, out var entry))
        {
            reason = $"image '{image}' is not built locally; the local platform runs {string.Join(", ", Repositories)}";
            return null;
        }

        if (!File.Exists(entry.Assembly))
        {
            reason = $"image '{image}' maps to {entry.Assembly}, which does not exist (build it: make build)";
            return null;
        }

        reason = string.Empty;
        return entry;
    }

    /// <summary><c>raftex/node</c> for <c>raftex/node:1.0</c>, <c>docker.io/raftex/node@sha256:…</c> or <c>raftex/node</c>.</summary>
    public static string RepositoryOf(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            name = name[..colon];
        }

        return name.StartsWith("docker.io/", StringComparison.Ordinal) ? name["docker.io/".Length..] : name;
    }
}
