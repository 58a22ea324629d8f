namespace Raftex.ApiServer;

/// <summary>A parsed resource URL: /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and its /apis and legacy /watch forms.</summary>
internal sealed record RequestTarget(ResourceType Type, string? Namespace, string? Name, string? Subresource, bool LegacyWatch)
{
    /// <summary>Parses the path; null when it names no served resource.</summary>
    public static RequestTarget? Parse(string path, ResourceRegistry registry)
    {
        var parts = path.Trim('/').Split('/');
        string group, version;
        int i;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            (group, version, i) = ("", parts[1], 2);
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            (group, version, i) = (parts[1], parts[2], 3);
        }
        else
        {
            return null;
        }

        var watch = false;
        if (parts[i] == "watch")
        {
            watch = true;
            i++;
        }

        string? ns = null;
        if (parts.Length > i + 2 && parts[i] == "namespaces")
        {
            // /namespaces/{ns}/{resource}... unless it is the namespace's own status or finalize subresource.
            if (parts.Length != i + 3 || parts[i + 2] is not ("status" or "finalize"))
            {
                ns = parts[i + 1];
                i += 2;
            }
        }

        if (parts.Length <= i)
        {
            return null;
        }

        var type = registry.Find(group, version, parts[i]);
        if (type is null || parts.Length > i + 3)
        {
            return null;
        }

        if (type.Namespaced == (ns is null) && !(type.Namespaced && parts.Length == i + 1))
        {
            // A namespaced resource without a namespace is only a cross-namespace list/watch; a cluster-scoped one never has one.
            return null;
        }

        var name = parts.Length > i + 1 ? Uri.UnescapeDataString(parts[i + 1]) : null;
        var sub = parts.Length > i + 2 ? parts[i + 2] : null;
        return new RequestTarget(type, ns, name, sub, watch);
    }
}
