using System.Threading.Channels;
using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Client;

/// <summary>
/// An order-entry session: one bidirectional stream to the leader carrying many outstanding commands within the server's
/// credit window. Follows a follower's redirect to the leader; after a disconnect or leader change it reconnects with the
/// same session id and resends every unreported command with its original sequence number, so the session table on the
/// leader returns stored results for those already applied: nothing is applied twice and nothing is lost.
/// </summary>
public sealed class OrderSessionClient : IAsyncDisposable
{
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);
    private readonly ExchangeClientOptions _options;
    private readonly NodeChannels _channels;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<ulong, (SessionCommand Command, TaskCompletionSource<ExecutionReport> Done)> _unreported = [];
    private readonly CancellationTokenSource _disposed = new();
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SemaphoreSlim? _credit;
    private Channel<SessionRequest>? _current;
    private string? _leaderHint;
    private ulong _sessionId;
    private ulong _sequence;
    private long _reconnects;
    private Task? _run;

    public OrderSessionClient(ExchangeClientOptions options, ulong sessionId = 0)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _channels = new NodeChannels(options);
        _sessionId = sessionId;
    }

    /// <summary>The session id the leader assigned (0 until opened).</summary>
    public ulong SessionId => Interlocked.Read(ref _sessionId);

    /// <summary>How many times the stream was re-established after the first open.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Commands sent whose reports have not arrived yet.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _unreported.Count;
            }
        }
    }

    /// <summary>Opens the session (following redirects) and returns once the leader has accepted it.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        _run ??= Task.Run(RunAsync);
        await _opened.Task.WaitAsync(_options.RetryBudget, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one command (its sequence is assigned here) and completes with its execution report.</summary>
    public async Task<ExecutionReport> SendAsync(SessionCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        await _credit!.WaitAsync(cancellationToken).ConfigureAwait(false);
        var done = new TaskCompletionSource<ExecutionReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var copy = command.Clone();
            copy.Sequence = ++_sequence;
            _unreported[copy.Sequence] = (copy, done);
            _current?.Writer.TryWrite(new SessionRequest { Command = copy });
        }

        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var ct = _disposed.Token;
        var backoff = _options.Backoff;
        var first = true;
        while (!ct.IsCancellationRequested)
        {
            var address = _leaderHint ?? _channels.NextAddress();
            _leaderHint = null;
            Channel<SessionRequest>? outgoing = null;
            try
            {
                var client = new OrderSession.OrderSessionClient(_channels.Invoker(address));
                using var call = client.Open(cancellationToken: ct);
                await call.RequestStream.WriteAsync(new SessionRequest { Hello = new SessionHello { SessionId = SessionId } }, ct).ConfigureAwait(false);
                if (!await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "stream closed before the session opened"));
                }

                var head = call.ResponseStream.Current;
                if (head.KindCase == SessionEvent.KindOneofCase.Redirect)
                {
                    _leaderHint = head.Redirect.LeaderAddress.Length > 0 ? NodeChannels.Normalize(head.Redirect.LeaderAddress) : null;
                    if (_leaderHint is null)
                    {
                        await Task.Delay(backoff, ct).ConfigureAwait(false);
                    }

                    continue;
                }

                if (head.KindCase != SessionEvent.KindOneofCase.Opened)
                {
                    throw new RpcException(new Status(StatusCode.Internal, $"expected opened, got {head.KindCase}"));
                }

                Interlocked.Exchange(ref _sessionId, head.Opened.SessionId);
                _credit ??= new SemaphoreSlim((int)Math.Max(1, head.Opened.Credit));
                if (!first)
                {
                    Interlocked.Increment(ref _reconnects);
                }

                first = false;
                backoff = _options.Backoff;
                outgoing = Channel.CreateUnbounded<SessionRequest>(new UnboundedChannelOptions { SingleReader = true });
                lock (_gate)
                {
                    // Resend, in order, everything the previous connection did not report.
                    foreach (var (_, pending) in _unreported)
                    {
                        outgoing.Writer.TryWrite(new SessionRequest { Command = pending.Command });
                    }

                    _current = outgoing;
                }

                _opened.TrySetResult();
                var writer = WriteAsync(call.RequestStream, outgoing.Reader, ct);
                while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
                {
                    var e = call.ResponseStream.Current;
                    if (e.KindCase == SessionEvent.KindOneofCase.Report)
                    {
                        Complete(e.Report);
                    }
                }
            }
            catch (RpcException ex) when (!_opened.Task.IsCompleted && ex.StatusCode is StatusCode.NotFound or StatusCode.ResourceExhausted
                or StatusCode.InvalidArgument or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
            {
                // The leader refused the session itself (unknown id, a session limit, a bad token): retrying cannot help.
                _opened.TrySetException(ex);
                return;
            }
            catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or InvalidOperationException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // Reconnect below; the next node tried is the leader hint if any, else the next address.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                lock (_gate)
                {
                    if (_current == outgoing)
                    {
                        _current = null;
                    }
                }

                outgoing?.Writer.TryComplete();
            }

            try
            {
                await Task.Delay(backoff, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = backoff * 2 > _options.Backoff * 16 ? backoff : backoff * 2;
        }
    }

    private void Complete(ExecutionReport report)
    {
        TaskCompletionSource<ExecutionReport>? done = null;
        lock (_gate)
        {
            if (_unreported.Remove(report.Sequence, out var pending))
            {
                done = pending.Done;
            }
        }

        if (done is not null)
        {
            _credit!.Release();
            done.TrySetResult(report);
        }
    }

    private static async Task WriteAsync(IClientStreamWriter<SessionRequest> stream, ChannelReader<SessionRequest> reader, CancellationToken ct)
    {
        try
        {
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (reader.TryRead(out var request))
                {
                    // Buffer all but the last command of a burst: one flush per burst instead of one per command.
                    stream.WriteOptions = reader.TryPeek(out _) ? BufferedWrite : WriteOptions.Default;
                    await stream.WriteAsync(request, ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // The read side notices the broken stream and reconnects.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        lock (_gate)
        {
            foreach (var (_, pending) in _unreported)
            {
                pending.Done.TrySetException(new ObjectDisposedException(nameof(OrderSessionClient)));
            }

            _unreported.Clear();
        }

        _channels.Dispose();
        _disposed.Dispose();
        _credit?.Dispose();
    }
}
