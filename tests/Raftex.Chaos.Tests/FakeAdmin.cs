using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Chaos.Tests;

/// <summary>An in-memory Admin endpoint of one simulated node of a <see cref="FakeChaosCluster"/>.</summary>
internal sealed class FakeAdmin(FakeChaosCluster cluster, long nodeId) : IAdminClient
{
    public List<Fault> Faults { get; } = [];
    public List<string> Calls { get; } = [];
    public bool Down { get; set; }
    public List<StateHashCheckpoint> Checkpoints { get; } = [];

    public Task<AdminResult<NodeStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            return Task.FromResult(AdminResult<NodeStatus>.Fail(AdminOutcome.Unavailable, "down"));
        }

        var status = new NodeStatus
        {
            NodeId = (ulong)nodeId,
            Role = cluster.LeaderId == nodeId ? Role.Leader : Role.Follower,
            Term = (ulong)cluster.Term,
            LeaderId = (ulong)cluster.LeaderId,
            CommitIndex = (ulong)cluster.CommitIndex,
            AppliedIndex = (ulong)cluster.CommitIndex,
        };
        status.ActiveFaults.AddRange(Faults);
        status.Checkpoints.AddRange(Checkpoints);
        return Task.FromResult(AdminResult<NodeStatus>.Ok(status));
    }

    public Task<AdminResult<TransferLeadershipResponse>> TransferLeadershipAsync(ulong targetNodeId, CancellationToken cancellationToken = default)
    {
        Calls.Add($"Transfer {targetNodeId}");
        var to = targetNodeId != 0 ? (long)targetNodeId : cluster.Admins.Keys.First(k => k != nodeId);
        cluster.Elect(to);
        return Task.FromResult(AdminResult<TransferLeadershipResponse>.Ok(new TransferLeadershipResponse { NewLeaderId = (ulong)to, Term = (ulong)cluster.Term }));
    }

    public Task<AdminResult<SetFaultsResponse>> SetFaultsAsync(IEnumerable<Fault> faults, CancellationToken cancellationToken = default)
    {
        Calls.Add("SetFaults");
        Faults.AddRange(faults);
        var response = new SetFaultsResponse();
        response.ActiveFaults.AddRange(Faults);
        return Task.FromResult(AdminResult<SetFaultsResponse>.Ok(response));
    }

    public Task<AdminResult<ClearFaultsResponse>> ClearFaultsAsync(CancellationToken cancellationToken = default)
    {
        Calls.Add("ClearFaults");
        var cleared = (uint)Faults.Count;
        Faults.Clear();
        return Task.FromResult(AdminResult<ClearFaultsResponse>.Ok(new ClearFaultsResponse { Cleared = cleared }));
    }

    public Task<AdminResult<CrashResponse>> CrashAsync(CancellationToken cancellationToken = default)
    {
        Calls.Add("Crash");
        Down = true;
        if (cluster.LeaderId == nodeId)
        {
            cluster.Elect(cluster.Admins.Keys.First(k => k != nodeId));
        }

        return Task.FromResult(AdminResult<CrashResponse>.Fail(AdminOutcome.Unavailable, "connection reset"));
    }

    public Task<AdminResult<ForceNewClusterResponse>> ForceNewClusterAsync(ulong confirmNodeId, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("chaos never forces a new cluster");

    public Task<AdminResult<MembershipChangeResponse>> AddLearnerAsync(ulong nodeId, string address, string incarnation, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("chaos never changes membership");

    public Task<AdminResult<MembershipChangeResponse>> PromoteLearnerAsync(ulong nodeId, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("chaos never changes membership");

    public Task<AdminResult<MembershipChangeResponse>> RemoveMemberAsync(ulong nodeId, string incarnation, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("chaos never changes membership");

    public Task<AdminResult<TakeSnapshotResponse>> TakeSnapshotAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("chaos never snapshots");

    public Task<AdminResult<SetEntryFormatVersionResponse>> SetEntryFormatVersionAsync(uint version, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("chaos never changes the format");
}
