using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>
/// One open order session on the leader: commands are proposed as they arrive (within the credit window) and each
/// execution report goes back as soon as its entry is applied. Losing leadership, or any command whose outcome becomes
/// unknown, ends the stream with UNAVAILABLE; the client reconnects to the new leader and resends what was not reported.
/// </summary>
internal sealed class OrderSessionHost
{
    private readonly StreamWriterLoop<SessionEvent> _events = new();
    private readonly CancellationTokenSource _aborted = new();
    private Status? _abortStatus;
    private int _abortedFlag;
    private int _outstanding;

    public StreamWriterLoop<SessionEvent> Events => _events;

    public CancellationToken Aborted => _aborted.Token;

    public Status? AbortStatus => _abortStatus;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public void Sent() => Interlocked.Increment(ref _outstanding);

    public void Report(SessionEvent e)
    {
        Interlocked.Decrement(ref _outstanding);
        _events.TryWrite(e);
    }

    /// <summary>Immediate per-command refusal (never proposed): reported with the status, the session goes on.</summary>
    public void Refuse(ulong sequence, StatusCode code, string message) =>
        _events.TryWrite(new SessionEvent { Report = new ExecutionReport { Sequence = sequence, ErrorCode = (uint)code, ErrorMessage = message } });

    public void Abort(StatusCode code, string message)
    {
        if (Interlocked.Exchange(ref _abortedFlag, 1) == 0)
        {
            _abortStatus = new Status(code, message);
            _aborted.Cancel();
        }
    }
}
