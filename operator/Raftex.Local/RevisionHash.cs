using System.Text;
using k8s;
using k8s.Models;

namespace Raftex.Local;

/// <summary>The revision of a pod template: an FNV-1a hash of its JSON, encoded with the apiserver's "safe" alphabet as the StatefulSet controller does.</summary>
public static class RevisionHash
{
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The hash part of the revision name (pod label controller-revision-hash is "&lt;sts&gt;-&lt;hash&gt;").</summary>
    public static string Of(V1PodTemplateSpec template)
    {
        var json = KubernetesJson.Serialize(template);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(json))
        {
            hash = (hash ^ b) * 16777619u;
        }

        var digits = hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var encoded = new StringBuilder(digits.Length);
        foreach (var c in digits)
        {
            encoded.Append(SafeAlphabet[c % SafeAlphabet.Length]);
        }

        return encoded.ToString();
    }

    /// <summary>The ControllerRevision name for a StatefulSet's template.</summary>
    public static string RevisionName(V1StatefulSet set) => $"{set.Metadata.Name}-{Of(set.Spec.Template)}";
}
