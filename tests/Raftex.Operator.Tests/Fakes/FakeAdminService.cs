using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Tests.Fakes;

/// <summary>The Admin gRPC service of every simulated node; the local port a call arrived on names the node.</summary>
internal sealed class FakeAdminService(FakeAdminServer server) : Admin.AdminBase
{
    public override async Task<NodeStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var node = await Enter(context);
        return server.Cluster.GetStatus(node, request.GroupId);
    }

    public override async Task<TransferLeadershipResponse> TransferLeadership(TransferLeadershipRequest request, ServerCallContext context) =>
        server.Cluster.TransferLeadership(await Enter(context), request);

    public override async Task<MembershipChangeResponse> AddLearner(AddLearnerRequest request, ServerCallContext context) =>
        server.Cluster.AddLearner(await Enter(context), request);

    public override async Task<MembershipChangeResponse> PromoteLearner(PromoteLearnerRequest request, ServerCallContext context) =>
        server.Cluster.PromoteLearner(await Enter(context), request);

    public override async Task<MembershipChangeResponse> RemoveMember(RemoveMemberRequest request, ServerCallContext context) =>
        server.Cluster.RemoveMember(await Enter(context), request);

    public override async Task<TakeSnapshotResponse> TakeSnapshot(TakeSnapshotRequest request, ServerCallContext context) =>
        server.Cluster.TakeSnapshot(await Enter(context), request);

    public override async Task<SetFaultsResponse> SetFaults(SetFaultsRequest request, ServerCallContext context) =>
        server.Cluster.SetFaults(await Enter(context), request);

    public override async Task<ClearFaultsResponse> ClearFaults(ClearFaultsRequest request, ServerCallContext context) =>
        server.Cluster.ClearFaults(await Enter(context), request);

    public override async Task<SetEntryFormatVersionResponse> SetEntryFormatVersion(SetEntryFormatVersionRequest request, ServerCallContext context) =>
        server.Cluster.SetEntryFormatVersion(await Enter(context), request);

    public override async Task<ForceNewClusterResponse> ForceNewCluster(ForceNewClusterRequest request, ServerCallContext context) =>
        server.Cluster.ForceNewCluster(await Enter(context), request);

    public override async Task<CrashResponse> Crash(CrashRequest request, ServerCallContext context) =>
        server.Cluster.Crash(await Enter(context), request);

    public override async Task StreamSnapshot(StreamSnapshotRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
    {
        var node = await Enter(context);
        var snapshot = server.Snapshot ?? throw new RpcException(new Status(StatusCode.Unavailable, "no snapshot to stream"));
        server.Cluster.Note($"StreamSnapshot {node}");
        foreach (var chunk in snapshot.Chunks(node))
        {
            await responseStream.WriteAsync(chunk, context.CancellationToken);
            if (snapshot.HangAfterHeader)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
        }
    }

    private async Task<ulong> Enter(ServerCallContext context)
    {
        // Like a node started with --admin-token-file: without the exact bearer token every call is refused.
        if (server.RequiredToken is { } token && context.RequestHeaders.GetValue("authorization") != "Bearer " + token)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "admin token missing or wrong"));
        }

        var port = context.GetHttpContext().Connection.LocalPort;
        var node = server.NodeAtPort(port);
        await server.WaitWhileStalled(node, context.CancellationToken);
        return node;
    }
}
