using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>
/// A follower's path for client writes: one bidirectional stream to the leader's peer endpoint carrying many requests,
/// answered out of order by request id. A broken stream fails its in-flight requests as UNAVAILABLE (outcome unknown).
/// The leader's address is resolved afresh each time a stream is opened.
/// </summary>
internal sealed class Forwarder(PeerTransport transport, PeerDirectory directory, PeerEndpoints endpoints, ILogger logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    // One caller at a time opens a stream; the others wait and use it instead of each resolving and connecting.
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ForwardStream? _stream;
    private long _nextId;

    public async Task<CommandReply> ForwardAsync(long leader, byte[] command, CancellationToken cancellationToken)
    {
        var stream = Current(leader) ?? await OpenAsync(leader, cancellationToken).ConfigureAwait(false);
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        stream.Pending[id] = tcs;
        if (stream.Broken || !stream.Outgoing.TryWrite(new ForwardRequest { Header = stream.Header, RequestId = id, Command = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(command) }))
        {
            stream.Pending.TryRemove(id, out _);
            throw new RpcException(new Status(StatusCode.Unavailable, $"connection to leader {leader} is down"));
        }

        try
        {
            return await tcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stream.Pending.TryRemove(id, out _);
        }
    }

    private ForwardStream? Current(long leader)
    {
        lock (_gate)
        {
            return _stream is { Broken: false } s && s.Leader == leader ? s : null;
        }
    }

    private async Task<ForwardStream> OpenAsync(long leader, CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current(leader) is { } opened)
            {
                return opened;
            }

            var address = directory.PeerAddress(leader)
                ?? throw new RpcException(new Status(StatusCode.Unavailable, $"leader {leader} has no known peer address"));
            Uri target;
            try
            {
                target = await endpoints.ResolveAsync(leader, address, cancellationToken).ConfigureAwait(false);
            }
            catch (PeerResolutionException ex)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"cannot reach leader {leader}: {ex.Message}"));
            }

            lock (_gate)
            {
                _stream?.Close();
                _stream = new ForwardStream(leader, target, transport.Header(leader), transport.CallHeaders(), logger, _stopping.Token);
                return _stream;
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _stream?.Close();
        }
    }

    private sealed class ForwardStream
    {
        private readonly GrpcChannel _channel;
        private readonly AsyncDuplexStreamingCall<ForwardRequest, ForwardReply> _call;
        private readonly ILogger _logger;

        public ForwardStream(long leader, Uri target, PeerHeader header, Metadata headers, ILogger logger, CancellationToken stopping)
        {
            Leader = leader;
            Header = header;
            _logger = logger;
            _channel = GrpcChannel.ForAddress(target, PeerChannels.Options);
            _call = new Peer.PeerClient(_channel).Forward(headers, cancellationToken: stopping);
            _ = RunAsync(stopping);
        }

        public long Leader { get; }

        public PeerHeader Header { get; }

        public volatile bool Broken;

        public ConcurrentDictionary<ulong, TaskCompletionSource<CommandReply>> Pending { get; } = new();

        public StreamWriterLoop<ForwardRequest> Outgoing { get; } = new();

        private async Task RunAsync(CancellationToken stopping)
        {
            try
            {
                var writer = Outgoing.RunAsync(_call.RequestStream, stopping);
                await foreach (var reply in _call.ResponseStream.ReadAllAsync(stopping).ConfigureAwait(false))
                {
                    if (Pending.TryRemove(reply.RequestId, out var tcs))
                    {
                        if (reply.ErrorCode != 0)
                        {
                            tcs.TrySetException(new RpcException(new Status((StatusCode)reply.ErrorCode, reply.ErrorMessage)));
                        }
                        else
                        {
                            tcs.TrySetResult(reply.Reply);
                        }
                    }
                }

                await writer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or IOException or OperationCanceledException or HttpRequestException or InvalidOperationException)
            {
                _logger.LogDebug("Forward stream to leader {Leader} ended: {Error}", Leader, ex.Message);
            }
            finally
            {
                Close();
            }
        }

        public void Close()
        {
            Broken = true;
            Outgoing.Complete();
            foreach (var id in Pending.Keys)
            {
                if (Pending.TryRemove(id, out var tcs))
                {
                    tcs.TrySetException(new RpcException(new Status(StatusCode.Unavailable, $"lost the connection to leader {Leader}; outcome unknown, retry with the same ids")));
                }
            }

            _call.Dispose();
            _channel.Dispose();
        }
    }
}
