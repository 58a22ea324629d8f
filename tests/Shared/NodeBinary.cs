namespace Raftex.Testing;

/// <summary>Finds raftex-node.dll built in the same configuration as the running test or bench assembly.</summary>
internal static class NodeBinary
{
    public static readonly string Path = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        // .../<project>/bin/<Configuration>/net10.0/
        var configuration = dir.Parent!.Name;
        var root = dir;
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Cluster.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
        }

        var path = System.IO.Path.Combine(root.FullName, "node", "Raftex.Node", "bin", configuration, "net10.0", "raftex-node.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"raftex-node is not built at {path}");
    }
}
