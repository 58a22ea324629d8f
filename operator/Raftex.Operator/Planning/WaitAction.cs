namespace Raftex.Operator.Planning;

/// <summary>Nothing to do now; the reason goes into the Progressing condition.</summary>
public sealed record WaitAction(string Reason) : PlannedAction;
