using Raftex.Client;

namespace Raftex.Chaos;

/// <summary>One member of the cluster under test: its pod name, Raft node id and Admin endpoint.</summary>
public sealed record ChaosMember(string Pod, long NodeId, IAdminClient Admin);
