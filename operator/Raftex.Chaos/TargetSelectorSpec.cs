using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>Which members become targets.</summary>
[Description("Target selection.")]
public sealed class TargetSelectorSpec
{
    [Description("One, All, Fixed (value members), FixedPercent (value percent) or RandomMaxPercent (one to value percent).")]
    [DefaultValue("One")]
    public SelectionMode? Mode { get; set; }

    [Description("The count for Fixed, the percentage for FixedPercent and RandomMaxPercent.")]
    [Range(1, 100)]
    public int? Value { get; set; }

    [Description("Leader, Follower or Any: which members are candidates.")]
    [DefaultValue("Any")]
    public TargetRole? Role { get; set; }

    [Description("Explicit pod names; when set, mode and role are ignored.")]
    [MaxLength(64)]
    public IList<string>? Pods { get; set; }
}
