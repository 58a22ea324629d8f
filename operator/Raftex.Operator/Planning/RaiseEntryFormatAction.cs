namespace Raftex.Operator.Planning;

/// <summary>Raise the log entry format version (on the leader).</summary>
public sealed record RaiseEntryFormatAction(uint Version) : PlannedAction;
