using Raftex.Chaos;
using Raftex.Operator.Api;
using Raftex.Operator.Chaos;

namespace Raftex.Operator.Tests.Fakes;

/// <summary>Gives every cluster one in-memory probe account; each deposit it applies commits an entry on the fake Raft cluster.</summary>
internal sealed class FakeProbeConnector(FakeRaftCluster raft) : IProbeConnector
{
    public FakeLedger Ledger { get; } = new(() => raft.Commit(1));

    public IProbeLedger For(ExchangeCluster cluster) => Ledger;
}
