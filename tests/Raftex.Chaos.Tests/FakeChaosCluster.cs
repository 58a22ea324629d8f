namespace Raftex.Chaos.Tests;

/// <summary>A simulated cluster of <see cref="FakeAdmin"/> nodes named like the operator's pods (c-0, c-1, ...), leader node 1.</summary>
internal sealed class FakeChaosCluster : IChaosCluster
{
    public FakeChaosCluster(int nodes = 3)
    {
        for (var id = 1L; id <= nodes; id++)
        {
            Admins[id] = new FakeAdmin(this, id);
        }

        Ledger = new FakeLedger(() => CommitIndex++);
    }

    public Dictionary<long, FakeAdmin> Admins { get; } = [];
    public FakeLedger Ledger { get; }
    public long LeaderId { get; private set; } = 1;
    public long Term { get; private set; } = 1;
    public long CommitIndex { get; set; } = 10;
    public List<string> Deleted { get; } = [];
    public IProbeLedger Probe => Ledger;

    public void Elect(long id)
    {
        LeaderId = id;
        Term++;
    }

    public void LoseLeader() => LeaderId = 0;

    public Task<IReadOnlyList<ChaosMember>> MembersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChaosMember>>(Admins.Select(p => new ChaosMember($"c-{p.Key - 1}", p.Key, p.Value)).ToList());

    public Task<(bool Done, string Detail)> DeletePodAsync(ChaosMember member, int gracePeriodSeconds, CancellationToken cancellationToken)
    {
        Deleted.Add($"{member.Pod} grace {gracePeriodSeconds}");
        Admins[member.NodeId].Down = true;
        return Task.FromResult((true, string.Empty));
    }
}
