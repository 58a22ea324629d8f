namespace Raftex.Local.Kubelet;

/// <summary>A host path bound over <paramref name="Target"/> inside a process's own mount namespace.</summary>
public sealed record BindMount(string Source, string Target);
