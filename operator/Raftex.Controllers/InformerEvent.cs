namespace Raftex.Controllers;

/// <summary>A change the informer applied to its cache: Added (Old null), Updated (both), Deleted (New is the last known state).</summary>
public sealed record InformerEvent<T>(InformerEventType Type, T? Old, T New)
    where T : class;
