using System.ComponentModel;

namespace Raftex.Chaos;

/// <summary>The correctness probe's sequence: deposit n has transaction id base + n and amount n.</summary>
[Description("Correctness probe.")]
public sealed record ProbeStatus
{
    [Description("Transaction id of deposit 0 of this run; deposit n uses base + n, so a resubmission repeats the id.")]
    public long TransactionBase { get; init; }

    [Description("Probe account balance before the run.")]
    public long Baseline { get; init; }

    [Description("Number of the next deposit to send.")]
    public long Next { get; init; } = 1;

    [Description("Deposits acknowledged.")]
    public long Acknowledged { get; init; }

    [Description("Sum of the acknowledged deposits' amounts.")]
    public long AcknowledgedSum { get; init; }

    [Description("Deposits the cluster refused.")]
    public long Failed { get; init; }

    [Description("Numbers of deposits whose outcome is unknown (resubmitted after healing).")]
    public IList<long> Unknown { get; init; } = [];

    [Description("Unknown deposits resubmitted after healing.")]
    public long Resubmitted { get; init; }

    [Description("When the last deposit was acknowledged.")]
    public DateTime? LastAcknowledgedAt { get; init; }

    [Description("Balance read after the checks.")]
    public long? Balance { get; init; }
}
