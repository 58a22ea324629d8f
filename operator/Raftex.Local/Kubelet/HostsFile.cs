using System.Text;
using k8s.Models;

namespace Raftex.Local.Kubelet;

/// <summary>
/// The platform's stand-in for cluster DNS: one hosts file, bound over /etc/hosts of every pod process and the operator.
/// A pod with a hostname and a subdomain gets <c>&lt;hostname&gt;.&lt;subdomain&gt;.&lt;ns&gt;.svc</c> when a Service of
/// that name selects it; a Service gets <c>&lt;svc&gt;.&lt;ns&gt;.svc</c> pointing at every pod it selects, ready pods
/// only unless it publishes not-ready addresses (an Endpoints object's rule). Both also with the cluster domain.
/// </summary>
internal static class HostsFile
{
    public static string Render(IEnumerable<(V1Pod Pod, string Ip, bool Ready)> pods, IEnumerable<V1Service> services, string clusterDomain)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var podList = pods.ToList();
        foreach (var service in services)
        {
            var ns = service.Metadata.NamespaceProperty;
            var selector = service.Spec?.Selector;
            if (selector is null || selector.Count == 0)
            {
                continue;
            }

            var name = $"{service.Metadata.Name}.{ns}.svc";
            var notReady = service.Spec!.PublishNotReadyAddresses == true;
            foreach (var (pod, ip, ready) in podList.Where(p => p.Pod.Metadata.NamespaceProperty == ns && Selects(selector, p.Pod)))
            {
                if (!ready && !notReady)
                {
                    continue;
                }

                lines.Add($"{ip} {name} {name}.{clusterDomain}");
                if (pod.Spec.Subdomain == service.Metadata.Name)
                {
                    var host = $"{pod.Spec.Hostname ?? pod.Metadata.Name}.{name}";
                    lines.Add($"{ip} {host} {host}.{clusterDomain}");
                }
            }
        }

        var text = new StringBuilder("# raftex local platform: pod and Service names (written by the kubelet)\n127.0.0.1 localhost\n::1 localhost ip6-localhost\n");
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Rewrites the file in place when its content changed. In place, not by rename: every process binds this inode over
    /// its /etc/hosts, and a rename would leave them all reading the old one.
    /// </summary>
    public static void Write(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content)
        {
            return;
        }

        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        var bytes = Encoding.UTF8.GetBytes(content);
        file.Write(bytes);
        file.SetLength(bytes.Length);
        file.Flush(flushToDisk: false);
    }

    private static bool Selects(IDictionary<string, string> selector, V1Pod pod) =>
        selector.All(kv => pod.Metadata.Labels?.TryGetValue(kv.Key, out var v) == true && v == kv.Value);
}
