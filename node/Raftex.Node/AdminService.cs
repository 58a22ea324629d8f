using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Raftex.Exchange;
using Raftex.Protocol.V1;
using Raftex.Raft;

namespace Raftex.Node;

/// <summary>The Admin plane as admin.proto defines it.</summary>
internal sealed class AdminService(
    RaftHost host, PeerTransport transport, PeerDirectory directory, PeerIncarnations incarnations, FaultSet faults, TokenAuthority auth,
    NodeIdentity identity, NodeOptions options, WriteRouter router, ILogger<AdminService> logger) : Admin.AdminBase
{
    private const int DefaultChunkBytes = 1 << 20;
    private const int MaxChunkBytes = 2 << 20;

    public override Task<NodeStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        return Task.FromResult(Status());
    }

    /// <summary>The status GetStatus returns (also used by /readyz).</summary>
    public NodeStatus Status()
    {
        var view = host.View;
        var applier = host.Applier;
        var status = new NodeStatus
        {
            ClusterId = identity.ClusterId,
            GroupId = 0,
            NodeId = (ulong)identity.NodeId,
            Incarnation = identity.Incarnation,
            Role = RoleOf(view),
            Term = (ulong)view.Term,
            LeaderId = (ulong)view.Leader,
            CommitIndex = (ulong)view.Commit,
            AppliedIndex = (ulong)applier.Applied,
            LastIndex = (ulong)view.LastIndex,
            LastTerm = (ulong)view.LastTerm,
            SnapshotIndex = (ulong)view.SnapshotIndex,
            StateHash = applier.StateHash,
            EntryFormatVersion = applier.EntryFormatVersion,
            Ready = IsReady(view, applier.Applied) && host.DiskFullReason is null,
            DiskFull = host.DiskFullReason is not null,
            DiskFullDetail = host.DiskFullReason ?? string.Empty,
        };
        status.SupportedEntryFormatVersions.Add(PeerEntryFormats.Local);
        status.Checkpoints.AddRange(applier.Checkpoints());
        status.ActiveFaults.AddRange(faults.Active());
        foreach (var id in view.ConfState.Voters.Concat(view.ConfState.Learners).Order())
        {
            var member = new Member
            {
                NodeId = (ulong)id,
                Kind = view.ConfState.IsVoter(id) ? MemberKind.Voter : MemberKind.Learner,
                Address = id == identity.NodeId ? $"{options.PeerListen.Address}:{options.PeerListen.Port}" : directory.PeerAddress(id) ?? string.Empty,
                Incarnation = id == identity.NodeId ? identity.Incarnation : incarnations.Get(id) ?? string.Empty,
            };
            if (view.IsLeader && view.Progress.TryGetValue(id, out var pr))
            {
                member.MatchIndex = (ulong)pr.Match;
                if (id != identity.NodeId && transport.LastContact.TryGetValue(id, out var contact))
                {
                    member.LastContact = Timestamp.FromDateTimeOffset(contact);
                }
            }

            status.Members.Add(member);
        }

        return status;
    }

    /// <summary>Member of the cluster, a leader known, applied index within a small distance of the commit index.</summary>
    public static bool IsReady(RaftView view, long applied) =>
        view.SelfIsMember && view.Leader != 0 && view.Commit - applied <= 1000;

    public override async Task<TransferLeadershipResponse> TransferLeadership(TransferLeadershipRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        RequireLeader();
        var target = (long)request.TargetNodeId;
        if (target == 0)
        {
            target = host.BestFollower();
            if (target == 0)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "no voter to hand leadership to"));
            }
        }
        else if (!host.View.ConfState.IsVoter(target))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"node {target} is not a voter"));
        }

        if (target == identity.NodeId)
        {
            return new TransferLeadershipResponse { NewLeaderId = (ulong)target, Term = (ulong)host.View.Term };
        }

        host.Enqueue(raft => raft.TransferLeadership(target));
        logger.LogInformation("Leadership transfer to node {Target} requested", target);
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 4L * options.ElectionMs / 1000);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var view = host.View;
            if (view.Leader == target)
            {
                return new TransferLeadershipResponse { NewLeaderId = (ulong)target, Term = (ulong)view.Term };
            }

            await Task.Delay(Math.Max(1, options.HeartbeatMs / 2), context.CancellationToken).ConfigureAwait(false);
        }

        throw new RpcException(new Grpc.Core.Status(StatusCode.DeadlineExceeded, $"node {target} did not take over in time; leader is {host.View.Leader}"));
    }

    public override async Task<MembershipChangeResponse> AddLearner(AddLearnerRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        NodeIdOf(request.NodeId);
        if (string.IsNullOrWhiteSpace(request.Address))
        {
            throw CommandFactory.Invalid("address (host:port of the node's peer endpoint) is required");
        }

        RequireLeader();
        directory.SetPeerAddress((long)request.NodeId, request.Address);
        if (!string.IsNullOrEmpty(request.Incarnation))
        {
            incarnations.Set((long)request.NodeId, request.Incarnation);
        }

        return await Change(new ConfChange(ConfChangeType.AddLearner, (long)request.NodeId), context).ConfigureAwait(false);
    }

    public override async Task<MembershipChangeResponse> PromoteLearner(PromoteLearnerRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        NodeIdOf(request.NodeId);
        RequireLeader();
        if (!host.View.ConfState.IsLearner((long)request.NodeId))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"node {request.NodeId} is not a learner"));
        }

        return await Change(new ConfChange(ConfChangeType.PromoteLearner, (long)request.NodeId), context).ConfigureAwait(false);
    }

    public override async Task<MembershipChangeResponse> RemoveMember(RemoveMemberRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        var id = NodeIdOf(request.NodeId);
        RequireLeader();
        if (!host.View.ConfState.IsMember(id))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"node {id} is not a member"));
        }

        if (!string.IsNullOrEmpty(request.Incarnation) && id != identity.NodeId && incarnations.Get(id) is { } known && known != request.Incarnation)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"node {id} has incarnation {known}, not {request.Incarnation}"));
        }

        var response = await Change(new ConfChange(ConfChangeType.RemoveNode, id), context).ConfigureAwait(false);
        incarnations.Set(id, null);
        return response;
    }

    public override async Task<TakeSnapshotResponse> TakeSnapshot(TakeSnapshotRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        var index = await host.Applier.SnapshotNowAsync().WaitAsync(context.CancellationToken).ConfigureAwait(false);
        return new TakeSnapshotResponse { SnapshotIndex = (ulong)index };
    }

    public override async Task StreamSnapshot(StreamSnapshotRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        var chunkBytes = request.ChunkBytes == 0 ? DefaultChunkBytes : (int)request.ChunkBytes;
        if (request.ChunkBytes > MaxChunkBytes)
        {
            throw CommandFactory.Invalid($"chunk_bytes {request.ChunkBytes} is above the limit of {MaxChunkBytes}");
        }

        if (host.Applier.Halted is { } halted)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"node {identity.NodeId} has stopped applying ({halted}); take the backup on another member"));
        }

        var ct = context.CancellationToken;
        var index = await host.Applier.SnapshotNowAsync().WaitAsync(ct).ConfigureAwait(false);
        string path;
        byte[] file;
        try
        {
            (path, file) = await host.ReadSnapshotFileAsync(index, TimeSpan.FromMilliseconds(60L * options.ElectionMs), ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, e.Message));
        }

        var snapshot = Raftex.Raft.Storage.SnapshotStore.Decode(file, path, out var groupId);
        if (snapshot.Data.IsEmpty)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"node {identity.NodeId} has applied nothing yet (index {snapshot.Metadata.Index}); there is no state to back up"));
        }

        var summary = ExchangeStateMachine.ReadSummary(snapshot.Data.Span);
        var header = new SnapshotHeader
        {
            ClusterId = identity.ClusterId,
            GroupId = (uint)groupId,
            NodeId = (ulong)identity.NodeId,
            Index = (ulong)snapshot.Metadata.Index,
            Term = (ulong)snapshot.Metadata.Term,
            StateHash = summary.StateHash,
            FileFormatVersion = Raftex.Raft.Storage.SnapshotStore.CurrentVersion,
            ExchangeSnapshotVersion = summary.Version,
            EntryFormatVersion = summary.EntryFormatVersion,
            Size = (ulong)file.Length,
        };
        header.Voters.AddRange(snapshot.Metadata.ConfState.Voters.Select(v => (ulong)v));
        header.Learners.AddRange(snapshot.Metadata.ConfState.Learners.Select(v => (ulong)v));
        await responseStream.WriteAsync(new SnapshotChunk { Header = header }, ct).ConfigureAwait(false);
        logger.LogInformation("Streaming snapshot {Index}/{Term} ({Bytes} bytes) for a backup", header.Index, header.Term, file.Length);
        // The whole file's hash is built as the chunks go, so the first chunk leaves at once.
        using var whole = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        for (var offset = 0; offset < file.Length; offset += chunkBytes)
        {
            var data = file.AsMemory(offset, Math.Min(chunkBytes, file.Length - offset));
            whole.AppendData(data.Span);
            var chunk = new SnapshotChunk
            {
                Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(data),
                Offset = (ulong)offset,
                Sha256 = Google.Protobuf.ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(data.Span)),
            };
            if (offset + data.Length == file.Length)
            {
                chunk.FileSha256 = Google.Protobuf.ByteString.CopyFrom(whole.GetHashAndReset());
            }

            await responseStream.WriteAsync(chunk, ct).ConfigureAwait(false);
        }
    }

    public override async Task<ForceNewClusterResponse> ForceNewCluster(ForceNewClusterRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        if (request.ConfirmNodeId != (ulong)identity.NodeId)
        {
            throw CommandFactory.Invalid($"confirm_node_id {request.ConfirmNodeId} does not name this node ({identity.NodeId}); the call is destructive and must name its target");
        }

        var before = host.View;
        if (before.Leader != 0)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition,
                $"node {identity.NodeId} knows leader {before.Leader} in term {before.Term}: quorum is not lost; refusing to force a new cluster"));
        }

        (long Index, long Term, long LastIndexBefore, long CommitBefore) forced;
        try
        {
            forced = await host.ForceNewClusterAsync(TimeSpan.FromMilliseconds(10L * options.ElectionMs), context.CancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (TimeoutException e)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.DeadlineExceeded, e.Message));
        }

        // The lost members pinned this node's old incarnation: with a new one they are refused if they ever come back with
        // their stale logs. Their own pins are forgotten here, so their replacements are taken at AddLearner.
        identity.Reincarnate(host.Reincarnate());
        foreach (var id in before.ConfState.Voters.Concat(before.ConfState.Learners).Where(id => id != identity.NodeId))
        {
            incarnations.Set(id, null);
        }

        logger.LogWarning("Forced a new cluster: node {Node} continues alone from index {Index}, term {Term}, incarnation {Incarnation}",
            identity.NodeId, forced.Index, forced.Term, identity.Incarnation);
        return new ForceNewClusterResponse
        {
            Index = (ulong)forced.Index,
            Term = (ulong)forced.Term,
            Incarnation = identity.Incarnation,
            LastIndexBefore = (ulong)forced.LastIndexBefore,
            CommitIndexBefore = (ulong)forced.CommitBefore,
        };
    }

    public override Task<SetFaultsResponse> SetFaults(SetFaultsRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        try
        {
            var response = new SetFaultsResponse();
            response.ActiveFaults.AddRange(faults.Add(request.Faults));
            return Task.FromResult(response);
        }
        catch (ArgumentException ex)
        {
            throw CommandFactory.Invalid(ex.Message);
        }
    }

    public override Task<ClearFaultsResponse> ClearFaults(ClearFaultsRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        return Task.FromResult(new ClearFaultsResponse { Cleared = (uint)faults.Clear() });
    }

    /// <summary>
    /// Raises the replicated entry format version: refused unless this binary and every other member (voter or learner)
    /// reported support for it, and never lowered; the version in force is answered as is (idempotent). Otherwise the
    /// raise is proposed as a log entry and answered once applied here, with its log index.
    /// </summary>
    public override async Task<SetEntryFormatVersionResponse> SetEntryFormatVersion(SetEntryFormatVersionRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        RequireLeader();
        var version = request.Version;
        if (!CommandCodec.Supports(version))
        {
            throw FailedPrecondition(
                $"entry format version {version} is not supported by this binary (node {identity.NodeId} applies versions {string.Join(", ", PeerEntryFormats.Local)})");
        }

        var current = host.Applier.EntryFormat;
        if (version < current.Version)
        {
            throw FailedPrecondition($"entry format version {version} is lower than the version in force ({current.Version}, set at index {current.Index}); it never goes back");
        }

        if (version == current.Version)
        {
            return new SetEntryFormatVersionResponse { EntryFormatVersion = current.Version, Index = (ulong)current.Index };
        }

        var members = host.View.ConfState;
        var others = members.Voters.Concat(members.Learners).Where(id => id != identity.NodeId);
        if (transport.EntryFormats.MissingSupport(version, others) is { } missing)
        {
            throw FailedPrecondition($"entry format version {version} is not supported by every member: {missing}");
        }

        var command = new byte[CommandCodec.HeaderSize + CommandCodec.SetEntryFormatPayloadSize];
        CommandCodec.EncodeSetEntryFormat(command, time: 0, (byte)version);
        var reply = await router.ProposeAsync(command, context.CancellationToken).ConfigureAwait(false);
        if (reply.Outcome != Outcome.Accepted)
        {
            // Only a concurrent raise past this version gets here: every replica refused it alike.
            throw FailedPrecondition($"entry format version {version} was refused when applied at index {reply.LogIndex}: {reply.RejectReasonName}");
        }

        logger.LogInformation("Entry format version raised to {Version} at index {Index}", version, reply.LogIndex);
        return new SetEntryFormatVersionResponse { EntryFormatVersion = version, Index = reply.LogIndex };
    }

    public override Task<CrashResponse> Crash(CrashRequest request, ServerCallContext context)
    {
        auth.RequireAdmin(context);
        Group(request.GroupId);
        logger.LogCritical("Crash requested through the Admin API: exiting now without flushing");
        // Like SIGKILL: no shutdown hooks, no flush, no leadership hand-off.
        Process.GetCurrentProcess().Kill();
        return Task.FromResult(new CrashResponse());
    }

    private async Task<MembershipChangeResponse> Change(ConfChange change, ServerCallContext context)
    {
        var waiter = new TaskWaiter();
        host.ProposeConfChange(change, waiter);
        var reply = await waiter.Task.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        // The applier completes the proposal; the loop publishes the new membership on its next round.
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * options.ElectionMs / 1000);
        while (!Reflects(host.View.ConfState, change) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(1, context.CancellationToken).ConfigureAwait(false);
        }

        var response = new MembershipChangeResponse { Index = reply.LogIndex };
        response.Members.AddRange(Status().Members);
        return response;
    }

    private static bool Reflects(ConfState members, ConfChange change) => change.Type switch
    {
        ConfChangeType.AddLearner => members.IsLearner(change.NodeId),
        ConfChangeType.PromoteLearner => members.IsVoter(change.NodeId),
        _ => !members.IsMember(change.NodeId),
    };

    private static RpcException FailedPrecondition(string message) => new(new Grpc.Core.Status(StatusCode.FailedPrecondition, message));

    private void RequireLeader()
    {
        var view = host.View;
        if (!view.IsLeader)
        {
            var trailers = new Metadata { { "raftex-leader-id", view.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"node {identity.NodeId} is not the leader (leader: {view.Leader})"), trailers);
        }

        RequireDiskSpace();
    }

    /// <summary>A leader stalled on a full disk sends no Raft messages: transfers, membership changes and format raises wait for space.</summary>
    private void RequireDiskSpace()
    {
        if (host.DiskFullRefusal() is { } refusal)
        {
            throw new RpcException(refusal);
        }
    }

    private static void Group(uint group)
    {
        if (group != 0)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"unknown raft group {group} (only group 0 exists)"));
        }
    }

    private static long NodeIdOf(ulong id) =>
        id is 0 or > long.MaxValue ? throw CommandFactory.Invalid("node_id must be positive") : (long)id;

    private static Role RoleOf(RaftView view) => view.Role switch
    {
        RaftRole.Leader => Role.Leader,
        RaftRole.Candidate => Role.Candidate,
        RaftRole.PreCandidate => Role.PreCandidate,
        _ when view.SelfIsLearner => Role.Learner,
        _ => Role.Follower,
    };
}
