namespace Raftex.Operator.Tests.Fakes;

/// <summary>One simulated node process: identity on disk, whether it answers, what it supports.</summary>
internal sealed class FakeNode(ulong nodeId, string incarnation)
{
    public ulong NodeId { get; } = nodeId;
    public string Incarnation { get; set; } = incarnation;
    public bool Up { get; set; } = true;
    public ulong AppliedIndex { get; set; }
    public List<uint> SupportedFormats { get; set; } = [1];
    public List<Raftex.Protocol.V1.Fault> Faults { get; } = [];
    public bool Crashed { get; set; }
    /// <summary>Reported as disk_full with this detail while set.</summary>
    public string? DiskFull { get; set; }
}
