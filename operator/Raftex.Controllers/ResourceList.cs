namespace Raftex.Controllers;

/// <summary>A list of objects and the resourceVersion to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion)
    where T : class;
