namespace Raftex.Local.Kubelet;

/// <summary>A locally built executable: the assembly <c>dotnet</c> runs, and the image's default arguments (its CMD).</summary>
public sealed record ImageEntry(string Assembly, IReadOnlyList<string> DefaultArgs);
