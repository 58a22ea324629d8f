using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Raftex.Protocol.V1;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Node;

/// <summary>
/// Raft messages between nodes: one long-lived client stream per peer carrying batches, re-resolving the peer's address on
/// every reconnect; inbound batches are checked (cluster, group, recipient, membership, incarnation, secret) before Raft
/// sees them. Transport faults (isolation, drops, delay) are applied here.
/// </summary>
internal sealed class PeerTransport : IAsyncDisposable
{
    public const string SecretHeader = "raftex-peer-secret";

    private readonly NodeIdentity _identity;
    private readonly PeerDirectory _directory;
    private readonly FaultSet _faults;
    private readonly PeerIncarnations _incarnations;
    private readonly ILogger _logger;
    private readonly TimeSpan _reconnectDelay;
    private readonly PeerEndpoints _endpoints;
    private readonly ConcurrentDictionary<long, PeerSender> _senders = new();
    private readonly CancellationTokenSource _stopping = new();

    public PeerTransport(NodeIdentity identity, PeerDirectory directory, PeerEndpoints endpoints, FaultSet faults, PeerIncarnations incarnations, TimeSpan reconnectDelay, ILogger logger)
    {
        _endpoints = endpoints;
        _identity = identity;
        _directory = directory;
        _faults = faults;
        _incarnations = incarnations;
        _reconnectDelay = reconnectDelay;
        _logger = logger;
    }

    /// <summary>Hands inbound messages to the Raft loop.</summary>
    public Action<Message>? Deliver { get; set; }

    /// <summary>The membership the node currently knows (for refusing non-members).</summary>
    public Func<ConfState>? Membership { get; set; }

    /// <summary>Whether this node leads now (a leader hands its pinned member incarnations to everyone it sends to).</summary>
    public Func<bool>? IsLeader { get; set; }

    /// <summary>When each peer was last heard from.</summary>
    public ConcurrentDictionary<long, DateTimeOffset> LastContact { get; } = new();

    /// <summary>The entry format versions each peer reported in its headers.</summary>
    public PeerEntryFormats EntryFormats { get; } = new();

    public long MessagesSent;
    public long MessagesDropped;

    public void Send(IReadOnlyList<Message> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (_faults.Drops(m.To, outbound: true))
            {
                Interlocked.Increment(ref MessagesDropped);
                continue;
            }

            var sender = _senders.GetOrAdd(m.To, id => new PeerSender(this, id));
            if (!sender.Queue.Writer.TryWrite(m))
            {
                Interlocked.Increment(ref MessagesDropped);
            }
        }
    }

    /// <summary>Checks a batch's header; returns null when acceptable, or the status to refuse it with.</summary>
    public Status? Check(PeerHeader? header, Metadata requestHeaders)
    {
        if (_identity.PeerSecret is { } secret)
        {
            var presented = requestHeaders.GetValue(SecretHeader);
            if (presented is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(secret)))
            {
                return new Status(StatusCode.Unauthenticated, "peer secret missing or wrong");
            }
        }

        if (header is null)
        {
            return new Status(StatusCode.InvalidArgument, "peer batch without header");
        }

        if (header.ClusterId != _identity.ClusterId)
        {
            return new Status(StatusCode.PermissionDenied, $"message from cluster '{header.ClusterId}' refused: this node belongs to '{_identity.ClusterId}'");
        }

        if (header.GroupId != 0)
        {
            return new Status(StatusCode.NotFound, $"unknown raft group {header.GroupId}");
        }

        if ((long)header.To != _identity.NodeId)
        {
            return new Status(StatusCode.FailedPrecondition, $"message for node {header.To} reached node {_identity.NodeId}");
        }

        var from = (long)header.From;
        if (from <= 0 || from == _identity.NodeId)
        {
            return new Status(StatusCode.InvalidArgument, $"bad sender id {header.From}");
        }

        var membership = Membership?.Invoke() ?? ConfState.Empty;
        var joining = membership.Voters.Count == 0 && membership.Learners.Count == 0;
        if (!joining && !membership.IsMember(from))
        {
            return new Status(StatusCode.PermissionDenied, $"node {from} is not a member of the cluster");
        }

        bool accepted;
        try
        {
            accepted = !string.IsNullOrEmpty(header.Incarnation) && _incarnations.Accept(from, header.Incarnation);
        }
        catch (IOException e) when (DiskFull.IsCause(e))
        {
            // An unwritten pin would be forgotten by a restart: take the peer only once its pin is on disk.
            return new Status(StatusCode.ResourceExhausted, $"node {_identity.NodeId} cannot record node {from}'s incarnation: {e.Message}");
        }

        if (!accepted)
        {
            return new Status(StatusCode.PermissionDenied, $"node {from} incarnation '{header.Incarnation}' is stale or unknown (expected '{_incarnations.Get(from)}'): remove and re-add it");
        }

        if (!string.IsNullOrEmpty(header.ClientAddress))
        {
            _directory.SetClientAddress(from, header.ClientAddress);
        }

        if (!string.IsNullOrEmpty(header.PeerAddress))
        {
            _directory.SetPeerAddress(from, header.PeerAddress);
        }

        foreach (var (member, incarnation) in header.MemberIncarnations)
        {
            if ((long)member != _identity.NodeId && (long)member != from && member <= long.MaxValue && !string.IsNullOrEmpty(incarnation))
            {
                try
                {
                    _incarnations.Adopt((long)member, incarnation);
                }
                catch (IOException e) when (DiskFull.IsCause(e))
                {
                    // Not pinned yet; the leader's next batch offers it again.
                    LogRefusal(new Status(StatusCode.ResourceExhausted, $"cannot record node {member}'s incarnation yet: {e.Message}"));
                }
            }
        }

        EntryFormats.Record(from, header.SupportedEntryFormatVersions);
        LastContact[from] = DateTimeOffset.UtcNow;
        return null;
    }

    /// <summary>Delivers an accepted batch to Raft, applying inbound faults.</summary>
    public void Receive(RaftBatch batch)
    {
        var from = (long)batch.Header.From;
        if (_faults.Drops(from, outbound: false))
        {
            Interlocked.Add(ref MessagesDropped, batch.Messages.Count);
            return;
        }

        foreach (var p in batch.Messages)
        {
            var m = RaftWire.FromProto(p, from, _identity.NodeId, out var error);
            if (m is null)
            {
                _logger.LogWarning("Dropped malformed message from node {From}: {Error}", from, error);
                continue;
            }

            Deliver?.Invoke(m);
        }
    }

    internal PeerHeader Header(long to)
    {
        var header = new PeerHeader
        {
            ClusterId = _identity.ClusterId,
            GroupId = 0,
            From = (ulong)_identity.NodeId,
            Incarnation = _identity.Incarnation,
            To = (ulong)to,
            ClientAddress = _identity.ClientAddress,
            PeerAddress = _identity.PeerAddress,
            SupportedEntryFormatVersions = { PeerEntryFormats.Local },
        };
        if (IsLeader?.Invoke() == true && Membership?.Invoke() is { } membership)
        {
            AddPins(header, membership.Voters);
            AddPins(header, membership.Learners);
        }

        return header;
    }

    private void AddPins(PeerHeader header, IEnumerable<long> members)
    {
        foreach (var member in members)
        {
            if (member != _identity.NodeId && _incarnations.Get(member) is { } incarnation)
            {
                header.MemberIncarnations[(ulong)member] = incarnation;
            }
        }
    }

    private readonly ConcurrentDictionary<string, bool> _refusalsLogged = new();

    /// <summary>Logs a refused peer once per distinct reason (a refused peer retries every heartbeat).</summary>
    public void LogRefusal(Status refusal)
    {
        if (_refusalsLogged.Count < 1000 && _refusalsLogged.TryAdd(refusal.Detail, true))
        {
            _logger.LogWarning("Peer refused: {Code} {Reason}", refusal.StatusCode, refusal.Detail);
        }
    }

    internal Metadata CallHeaders()
    {
        var headers = new Metadata();
        if (_identity.PeerSecret is { } secret)
        {
            headers.Add(SecretHeader, secret);
        }

        return headers;
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var sender in _senders.Values)
        {
            sender.Queue.Writer.TryComplete();
            await sender.Completion.ConfigureAwait(false);
        }
    }

    /// <summary>The outbound side for one peer: a queue drained into batches on one stream.</summary>
    private sealed class PeerSender
    {
        private readonly PeerTransport _owner;
        private readonly long _peer;

        public PeerSender(PeerTransport owner, long peer)
        {
            _owner = owner;
            _peer = peer;
            Queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(65_536)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.DropWrite,
            });
            Completion = Task.Run(RunAsync);
        }

        public Channel<Message> Queue { get; }

        public Task Completion { get; }

        private async Task RunAsync()
        {
            var ct = _owner._stopping.Token;
            var reader = Queue.Reader;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (!await reader.WaitToReadAsync(ct).ConfigureAwait(false))
                    {
                        return;
                    }

                    var address = _owner._directory.PeerAddress(_peer);
                    if (address is null)
                    {
                        // Nobody told us where this node lives: Raft will retry, so its messages can go.
                        while (reader.TryRead(out _))
                        {
                            Interlocked.Increment(ref _owner.MessagesDropped);
                        }

                        await Task.Delay(_owner._reconnectDelay, ct).ConfigureAwait(false);
                        continue;
                    }

                    // Resolved on every (re)connect: a restarted pod comes back with a new IP under the same name.
                    var target = await _owner._endpoints.ResolveAsync(_peer, address, ct).ConfigureAwait(false);
                    await StreamAsync(target, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or InvalidOperationException or PeerResolutionException)
                {
                    _owner._logger.LogDebug("Stream to node {Peer} broke: {Error}", _peer, ex.Message);
                    // What was queued while the stream was down is stale by now; Raft resends what matters.
                    while (reader.TryRead(out _))
                    {
                        Interlocked.Increment(ref _owner.MessagesDropped);
                    }

                    try
                    {
                        await Task.Delay(_owner._reconnectDelay, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }

        private async Task StreamAsync(Uri target, CancellationToken ct)
        {
            // A fresh channel per connection, to the IP just resolved.
            using var channel = GrpcChannel.ForAddress(target, PeerChannels.Options);
            var client = new Peer.PeerClient(channel);
            using var call = client.Raft(_owner.CallHeaders(), cancellationToken: ct);
            var reader = Queue.Reader;
            var faults = _owner._faults;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var batch = new RaftBatch { Header = _owner.Header(_peer) };
                var count = 0;
                while (count < 4096 && reader.TryRead(out var m))
                {
                    RaftWire.AddTo(batch, m);
                    count++;
                }

                var delay = faults.DelayFor(_peer);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                }

                if (call.ResponseAsync.IsCompleted)
                {
                    // The receiver refused or closed the stream: surface its status.
                    await call.ResponseAsync.ConfigureAwait(false);
                    throw new InvalidOperationException("peer closed the stream");
                }

                await call.RequestStream.WriteAsync(batch, ct).ConfigureAwait(false);
                Interlocked.Add(ref _owner.MessagesSent, count);
            }
        }
    }
}
