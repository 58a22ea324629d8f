namespace Raftex.Operator.Planning;

/// <summary>Nothing left to do: every pod runs the target revision and membership matches the spec.</summary>
public sealed record DoneAction : PlannedAction;
