namespace Raftex.Agents;

/// <summary>A run cannot go on (no leader, a symbol the cluster does not list, a deposit refused): the message says why.</summary>
public sealed class FleetException(string message) : Exception(message);
