namespace Raftex.Chaos;

/// <summary>One step worth telling: a Kubernetes Event in the operator, a progress line in raftex-chaos.</summary>
public sealed record ChaosEvent(string Reason, string Message, bool Warning = false);
