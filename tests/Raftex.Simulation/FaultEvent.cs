namespace Raftex.Simulation;

/// <summary>
/// One scheduled fault. Targets are picked when it fires (from <see cref="Pick"/>), because membership and
/// leadership are only known then; this also keeps a fault meaningful when the shrinker removes others.
/// </summary>
public sealed record FaultEvent(int Id, long AtUs, FaultKind Kind, long DurationUs, int Pick, double Severity)
{
    public override string ToString() =>
        $"#{Id} t={AtUs / 1000.0:0.#}ms {Kind} for {DurationUs / 1000.0:0.#}ms pick={Pick} severity={Severity:0.00}";
}
