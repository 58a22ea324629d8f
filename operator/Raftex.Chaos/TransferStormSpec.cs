using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>Pace of a leader transfer storm.</summary>
[Description("LeaderTransferStorm parameters.")]
public sealed class TransferStormSpec
{
    [Description("Milliseconds between two forced transfers.")]
    [Range(100, 600_000)]
    [DefaultValue(2000)]
    public int? IntervalMs { get; set; }
}
