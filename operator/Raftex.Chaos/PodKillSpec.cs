using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>How PodKill kills.</summary>
[Description("PodKill parameters.")]
public sealed class PodKillSpec
{
    [Description("Crash (Admin Crash: the process dies at once) or Delete (pod delete with gracePeriodSeconds; needs Kubernetes).")]
    [DefaultValue("Crash")]
    public PodKillMethod? Method { get; set; }

    [Description("Grace period of a Delete, in seconds; never 0, which would be a force delete.")]
    [Range(1, 30)]
    [DefaultValue(2)]
    public int? GracePeriodSeconds { get; set; }
}
