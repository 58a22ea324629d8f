using Raftex.Protocol.V1;

namespace Raftex.Client;

/// <summary>The Admin operations of one node, each answering with a precise <see cref="AdminResult{T}"/>.</summary>
public interface IAdminClient
{
    /// <summary>The node's status (role, term, indexes, members, state hash, faults, format versions).</summary>
    Task<AdminResult<NodeStatus>> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves leadership to <paramref name="targetNodeId"/>, or to the best follower when 0.</summary>
    Task<AdminResult<TransferLeadershipResponse>> TransferLeadershipAsync(ulong targetNodeId, CancellationToken cancellationToken = default);

    /// <summary>Adds a learner (leader only).</summary>
    Task<AdminResult<MembershipChangeResponse>> AddLearnerAsync(ulong nodeId, string address, string incarnation, CancellationToken cancellationToken = default);

    /// <summary>Promotes a caught-up learner to voter (leader only).</summary>
    Task<AdminResult<MembershipChangeResponse>> PromoteLearnerAsync(ulong nodeId, CancellationToken cancellationToken = default);

    /// <summary>Removes a member, only if it still has <paramref name="incarnation"/> when that is non-empty (leader only).</summary>
    Task<AdminResult<MembershipChangeResponse>> RemoveMemberAsync(ulong nodeId, string incarnation, CancellationToken cancellationToken = default);

    /// <summary>Takes a snapshot at the applied index.</summary>
    Task<AdminResult<TakeSnapshotResponse>> TakeSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Injects transport faults that clear themselves after their durations.</summary>
    Task<AdminResult<SetFaultsResponse>> SetFaultsAsync(IEnumerable<Fault> faults, CancellationToken cancellationToken = default);

    /// <summary>Clears every active fault.</summary>
    Task<AdminResult<ClearFaultsResponse>> ClearFaultsAsync(CancellationToken cancellationToken = default);

    /// <summary>Raises the entry format version the leader writes (leader only; every voter must support it).</summary>
    Task<AdminResult<SetEntryFormatVersionResponse>> SetEntryFormatVersionAsync(uint version, CancellationToken cancellationToken = default);

    /// <summary>Recovery from a lost quorum (destructive): this node becomes the sole voter, keeping its whole log; it must be named.</summary>
    Task<AdminResult<ForceNewClusterResponse>> ForceNewClusterAsync(ulong confirmNodeId, CancellationToken cancellationToken = default);

    /// <summary>Crashes the node process abruptly.</summary>
    Task<AdminResult<CrashResponse>> CrashAsync(CancellationToken cancellationToken = default);
}
