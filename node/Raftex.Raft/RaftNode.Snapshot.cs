using System.Buffers;

namespace Raftex.Raft;

public sealed partial class RaftNode
{
    // Follower side: the snapshot being received, chunk by chunk.
    private SnapshotMetadata? _incomingMetadata;
    private ArrayBufferWriter<byte>? _incomingData;

    private int SnapshotResendTicks => Math.Max(2, _config.HeartbeatTicks * 2);

    private bool SendSnapshot(Progress pr)
    {
        if (!pr.RecentActive)
        {
            // Don't ship a whole snapshot to a peer we have not heard from lately.
            return false;
        }

        var snapshot = _log.Snapshot();
        if (snapshot.IsEmpty)
        {
            throw new InvalidOperationException($"follower {pr.Id} needs entries before index {_log.FirstIndex()} but there is no snapshot to send");
        }

        pr.BecomeSnapshot(new SnapshotTransfer(snapshot));
        SendSnapshotChunk(pr);
        return true;
    }

    private void SendSnapshotChunk(Progress pr)
    {
        var transfer = pr.Transfer!;
        var data = transfer.Snapshot.Data;
        var offset = (int)Math.Min(transfer.Acked, data.Length);
        var length = Math.Min(_config.SnapshotChunkBytes, data.Length - offset);
        Send(new Message(MessageType.Snapshot, _id, pr.Id, Term)
        {
            SnapshotMetadata = transfer.Snapshot.Metadata,
            SnapshotOffset = offset,
            SnapshotChunk = data.Slice(offset, length),
            SnapshotDone = offset + length == data.Length,
            Commit = _log.Committed,
        });
        transfer.TicksSinceSend = 0;
    }

    /// <summary>Chunks are stop-and-wait; one whose acknowledgement did not come back in time is sent again.</summary>
    private void TickSnapshotTransfers()
    {
        foreach (var (_, pr) in _progress)
        {
            if (pr.State == ProgressState.Snapshot && pr.Transfer is { } transfer && ++transfer.TicksSinceSend >= SnapshotResendTicks)
            {
                SendSnapshotChunk(pr);
            }
        }
    }

    private void HandleSnapshotResponse(Message m)
    {
        if (!_progress.TryGetValue(m.From, out var pr))
        {
            return;
        }

        pr.RecentActive = true;
        if (pr.State != ProgressState.Snapshot || pr.Transfer is not { } transfer || transfer.Snapshot.Metadata.Index != m.Index)
        {
            return;
        }

        // On a reject the follower names the offset it expects (0 when it lost the transfer).
        if (m.Reject)
        {
            transfer.Acked = Math.Clamp(m.SnapshotOffset, 0, transfer.Total);
        }
        else if (m.SnapshotOffset > transfer.Acked)
        {
            transfer.Acked = Math.Min(m.SnapshotOffset, transfer.Total);
        }
        else
        {
            return;
        }

        SendSnapshotChunk(pr);
    }

    private void HandleSnapshotChunk(Message m)
    {
        if (m.SnapshotMetadata is not { } metadata)
        {
            return;
        }

        if (metadata.Index <= _log.Committed)
        {
            // Nothing to install; tell the leader how far we already are.
            _incomingMetadata = null;
            _incomingData = null;
            Send(new Message(MessageType.AppendResponse, _id, m.From, Term) { Index = _log.Committed });
            return;
        }

        if (m.SnapshotOffset == 0)
        {
            _incomingMetadata = metadata;
            _incomingData = new ArrayBufferWriter<byte>(Math.Max(1, m.SnapshotChunk.Length));
        }
        else if (_incomingMetadata is null || _incomingData is null
            || _incomingMetadata.Index != metadata.Index || _incomingMetadata.Term != metadata.Term
            || m.SnapshotOffset != _incomingData.WrittenCount)
        {
            // Out of order (a chunk or an ack was lost): name the offset we can continue from.
            var expected = _incomingMetadata is not null && _incomingData is not null
                && _incomingMetadata.Index == metadata.Index && _incomingMetadata.Term == metadata.Term
                ? _incomingData.WrittenCount
                : 0;
            Send(new Message(MessageType.SnapshotResponse, _id, m.From, Term)
            {
                Index = metadata.Index,
                Reject = true,
                SnapshotOffset = expected,
            });
            return;
        }

        _incomingData.Write(m.SnapshotChunk.Span);
        if (!m.SnapshotDone)
        {
            Send(new Message(MessageType.SnapshotResponse, _id, m.From, Term)
            {
                Index = metadata.Index,
                SnapshotOffset = _incomingData.WrittenCount,
            });
            return;
        }

        // Only a complete snapshot is ever installed.
        var snapshot = new Snapshot(metadata, _incomingData.WrittenMemory.ToArray());
        _incomingMetadata = null;
        _incomingData = null;
        var index = Restore(snapshot) ? _log.LastIndex() : _log.Committed;
        Send(new Message(MessageType.AppendResponse, _id, m.From, Term) { Index = index });
    }

    /// <summary>Installs a snapshot from the leader unless the log already holds its point. Returns whether it was installed.</summary>
    private bool Restore(Snapshot snapshot)
    {
        var metadata = snapshot.Metadata;
        if (metadata.Index <= _log.Committed)
        {
            return false;
        }

        if (_log.MatchTerm(metadata.Index, metadata.Term))
        {
            // Our log already has the snapshot's last entry, so it has everything before it too.
            _log.CommitTo(metadata.Index);
            return false;
        }

        _log.Restore(snapshot);
        _confState = metadata.ConfState;
        RebuildProgress();
        return true;
    }
}
