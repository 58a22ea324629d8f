namespace Raftex.Client;

/// <summary>Names of the gRPC metadata entries the Admin contract uses beside status codes.</summary>
public static class AdminTrailers
{
    /// <summary>On FAILED_PRECONDITION from a follower: the node id of the leader it knows (0 = none).</summary>
    public const string LeaderId = "raftex-leader-id";
}
