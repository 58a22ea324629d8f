namespace Raftex.Raft;

public sealed partial class RaftNode
{
    // Requests waiting for a quorum of heartbeat acks, oldest first.
    private readonly List<ReadRequest> _readRequests = [];

    // Requests that arrived before this leader committed an entry of its term.
    private readonly List<(long From, ReadOnlyMemory<byte> Context)> _pendingReadRequests = [];

    /// <summary>
    /// Requests a linearizable read point without writing to the log (thesis §6.4). A
    /// <see cref="ReadState"/> with the same context appears in a later Ready; serve the read once applied reaches its index.
    /// </summary>
    public void ReadIndex(ReadOnlyMemory<byte> requestContext)
    {
        if (requestContext.IsEmpty)
        {
            throw new ArgumentException("requestContext must not be empty: it identifies the read in heartbeats and responses", nameof(requestContext));
        }

        if (Role == RaftRole.Leader)
        {
            HandleReadIndexRequest(_id, requestContext);
        }
        else if (Lead != 0 && !_removed)
        {
            Send(new Message(MessageType.ReadIndex, _id, Lead, Term) { Context = requestContext });
        }
    }

    private void HandleReadIndexRequest(long from, ReadOnlyMemory<byte> context)
    {
        if (context.IsEmpty)
        {
            return;
        }

        if (_log.Term(_log.Committed) != Term)
        {
            // Until an entry of its term commits, the leader does not know the real commit index.
            _pendingReadRequests.Add((from, context));
            return;
        }

        if (Quorum == 1 && _confState.IsVoter(_id))
        {
            RespondToRead(from, _log.Committed, context);
            return;
        }

        var request = new ReadRequest(_log.Committed, from, context);
        request.Acks.Add(_id);
        _readRequests.Add(request);
        BcastHeartbeat(context);
    }

    private void AckReadRequest(long from, ReadOnlyMemory<byte> context)
    {
        if (!_confState.IsVoter(from))
        {
            return;
        }

        var position = -1;
        for (var i = 0; i < _readRequests.Count; i++)
        {
            if (_readRequests[i].Context.Span.SequenceEqual(context.Span))
            {
                position = i;
                break;
            }
        }

        if (position < 0)
        {
            return;
        }

        var request = _readRequests[position];
        request.Acks.Add(from);
        var acked = 0;
        foreach (var id in request.Acks)
        {
            if (_confState.IsVoter(id))
            {
                acked++;
            }
        }

        if (acked < Quorum)
        {
            return;
        }

        // A quorum confirmed leadership after every earlier request was registered too.
        for (var i = 0; i <= position; i++)
        {
            var r = _readRequests[i];
            RespondToRead(r.From, r.Index, r.Context);
        }

        _readRequests.RemoveRange(0, position + 1);
    }

    private void RespondToRead(long from, long index, ReadOnlyMemory<byte> context)
    {
        if (from == _id)
        {
            _readStates.Add(new ReadState(index, context));
        }
        else
        {
            Send(new Message(MessageType.ReadIndexResponse, _id, from, Term) { Index = index, Context = context });
        }
    }

    private void ReleasePendingReadRequests()
    {
        if (_pendingReadRequests.Count == 0)
        {
            return;
        }

        var pending = _pendingReadRequests.ToArray();
        _pendingReadRequests.Clear();
        foreach (var (from, context) in pending)
        {
            HandleReadIndexRequest(from, context);
        }
    }

    private void ClearReadRequests()
    {
        _readRequests.Clear();
        _pendingReadRequests.Clear();
    }

    private sealed class ReadRequest(long index, long from, ReadOnlyMemory<byte> context)
    {
        public long Index { get; } = index;

        public long From { get; } = from;

        public ReadOnlyMemory<byte> Context { get; } = context;

        public HashSet<long> Acks { get; } = [];
    }
}
