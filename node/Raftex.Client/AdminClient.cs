using Grpc.Core;
using Grpc.Net.Client;
using Raftex.Protocol.V1;

namespace Raftex.Client;

/// <summary>Admin client for one node over Grpc.Net.Client: every call has a deadline and maps failures to <see cref="AdminOutcome"/>.</summary>
public sealed class AdminClient : IAdminClient, IDisposable
{
    private readonly Admin.AdminClient _stub;
    private readonly GrpcChannel? _ownedChannel;
    private readonly uint _groupId;
    private readonly TimeSpan _timeout;
    private readonly Metadata? _headers;

    /// <summary>
    /// A client over an existing call invoker (the caller owns the channel); with <paramref name="bearerToken"/>, every
    /// call carries <c>authorization: Bearer &lt;token&gt;</c> for nodes started with an admin token file.
    /// </summary>
    public AdminClient(CallInvoker invoker, TimeSpan timeout, uint groupId = 0, string? bearerToken = null)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Admin call timeout must be positive.");
        }

        if (bearerToken is not null)
        {
            // A token that cannot travel as one header value would fail every call later; refuse it here instead.
            if (bearerToken.Length == 0 || bearerToken.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ArgumentException("Admin bearer token must be non-empty and contain no whitespace or control characters.", nameof(bearerToken));
            }

            _headers = new Metadata { { "authorization", "Bearer " + bearerToken } };
        }

        _stub = new Admin.AdminClient(invoker);
        _timeout = timeout;
        _groupId = groupId;
    }

    private AdminClient(GrpcChannel channel, TimeSpan timeout, uint groupId, string? bearerToken)
        : this(channel.CreateCallInvoker(), timeout, groupId, bearerToken)
    {
        _ownedChannel = channel;
    }

    /// <summary>A client that owns a channel to <paramref name="address"/> (e.g. http://pod.svc:7003), optionally with an admin bearer token.</summary>
    public static AdminClient Connect(Uri address, TimeSpan timeout, uint groupId = 0, string? bearerToken = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var channel = GrpcChannel.ForAddress(address);
        try
        {
            return new AdminClient(channel, timeout, groupId, bearerToken);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>The per-call deadline.</summary>
    public TimeSpan Timeout => _timeout;

    public Task<AdminResult<NodeStatus>> GetStatusAsync(CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.GetStatusAsync(new GetStatusRequest { GroupId = _groupId }, o), cancellationToken);

    public Task<AdminResult<TransferLeadershipResponse>> TransferLeadershipAsync(ulong targetNodeId, CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.TransferLeadershipAsync(new TransferLeadershipRequest { GroupId = _groupId, TargetNodeId = targetNodeId }, o), cancellationToken);

    public Task<AdminResult<MembershipChangeResponse>> AddLearnerAsync(ulong nodeId, string address, string incarnation, CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.AddLearnerAsync(new AddLearnerRequest { GroupId = _groupId, NodeId = nodeId, Address = address, Incarnation = incarnation }, o), cancellationToken);

    public Task<AdminResult<MembershipChangeResponse>> PromoteLearnerAsync(ulong nodeId, CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.PromoteLearnerAsync(new PromoteLearnerRequest { GroupId = _groupId, NodeId = nodeId }, o), cancellationToken);

    public Task<AdminResult<MembershipChangeResponse>> RemoveMemberAsync(ulong nodeId, string incarnation, CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.RemoveMemberAsync(new RemoveMemberRequest { GroupId = _groupId, NodeId = nodeId, Incarnation = incarnation }, o), cancellationToken);

    public Task<AdminResult<TakeSnapshotResponse>> TakeSnapshotAsync(CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.TakeSnapshotAsync(new TakeSnapshotRequest { GroupId = _groupId }, o), cancellationToken);

    public Task<AdminResult<SetFaultsResponse>> SetFaultsAsync(IEnumerable<Fault> faults, CancellationToken cancellationToken = default)
    {
        var request = new SetFaultsRequest { GroupId = _groupId };
        request.Faults.AddRange(faults);
        return CallAsync(o => _stub.SetFaultsAsync(request, o), cancellationToken);
    }

    public Task<AdminResult<ClearFaultsResponse>> ClearFaultsAsync(CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.ClearFaultsAsync(new ClearFaultsRequest { GroupId = _groupId }, o), cancellationToken);

    public Task<AdminResult<SetEntryFormatVersionResponse>> SetEntryFormatVersionAsync(uint version, CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.SetEntryFormatVersionAsync(new SetEntryFormatVersionRequest { GroupId = _groupId, Version = version }, o), cancellationToken);

    /// <summary>
    /// Recovery from a lost quorum (destructive): makes this node the sole voter of a new term, keeping and committing its
    /// whole log. <paramref name="confirmNodeId"/> must be this node's id. Refused while a leader is known.
    /// </summary>
    public Task<AdminResult<ForceNewClusterResponse>> ForceNewClusterAsync(ulong confirmNodeId, CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.ForceNewClusterAsync(new ForceNewClusterRequest { GroupId = _groupId, ConfirmNodeId = confirmNodeId }, o), cancellationToken);

    /// <summary>The generated stub and the headers every call carries, for streaming calls this class does not wrap (StreamSnapshot).</summary>
    public (Admin.AdminClient Stub, Metadata? Headers) Streaming => (_stub, _headers);

    public Task<AdminResult<CrashResponse>> CrashAsync(CancellationToken cancellationToken = default) =>
        CallAsync(o => _stub.CrashAsync(new CrashRequest { GroupId = _groupId }, o), cancellationToken);

    public void Dispose() => _ownedChannel?.Dispose();

    private async Task<AdminResult<T>> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        var options = new CallOptions(headers: _headers, deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken);
        try
        {
            using var pending = call(options);
            var response = await pending.ResponseAsync.ConfigureAwait(false);
            return AdminResult<T>.Ok(response);
        }
        catch (RpcException ex)
        {
            return Map<T>(ex, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return AdminResult<T>.Fail(AdminOutcome.Cancelled, "cancelled by caller");
        }
        catch (HttpRequestException ex)
        {
            // Connection refused and DNS failures can surface before gRPC wraps them.
            return AdminResult<T>.Fail(AdminOutcome.Unavailable, ex.Message);
        }
    }

    /// <summary>Maps a gRPC failure to an outcome; exposed for the node and tests that share the convention.</summary>
    public static AdminResult<T> Map<T>(RpcException ex, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var detail = string.IsNullOrEmpty(ex.Status.Detail) ? ex.StatusCode.ToString() : ex.Status.Detail;
        return ex.StatusCode switch
        {
            StatusCode.FailedPrecondition when LeaderHintOf(ex) is { } leader =>
                AdminResult<T>.Fail(AdminOutcome.NotLeader, detail, leader),
            StatusCode.FailedPrecondition => AdminResult<T>.Fail(AdminOutcome.Rejected, detail),
            StatusCode.Aborted => AdminResult<T>.Fail(AdminOutcome.Conflict, detail),
            StatusCode.NotFound => AdminResult<T>.Fail(AdminOutcome.NotFound, detail),
            StatusCode.InvalidArgument or StatusCode.OutOfRange => AdminResult<T>.Fail(AdminOutcome.InvalidArgument, detail),
            StatusCode.Unavailable => AdminResult<T>.Fail(AdminOutcome.Unavailable, detail),
            StatusCode.DeadlineExceeded => AdminResult<T>.Fail(AdminOutcome.DeadlineExceeded, detail),
            StatusCode.Cancelled when cancellationToken.IsCancellationRequested => AdminResult<T>.Fail(AdminOutcome.Cancelled, detail),
            StatusCode.Cancelled => AdminResult<T>.Fail(AdminOutcome.Unavailable, detail),
            _ => AdminResult<T>.Fail(AdminOutcome.Failed, $"{ex.StatusCode}: {detail}"),
        };
    }

    private static ulong? LeaderHintOf(RpcException ex)
    {
        var entry = ex.Trailers.Get(AdminTrailers.LeaderId);
        return entry is not null && ulong.TryParse(entry.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
