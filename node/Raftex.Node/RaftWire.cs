using Google.Protobuf;
using Raftex.Protocol.V1;
using Raftex.Raft;

namespace Raftex.Node;

/// <summary>Converts Raft messages to and from their protobuf form; consecutive appends to one peer are merged into one message.</summary>
internal static class RaftWire
{
    /// <summary>Appends <paramref name="m"/> to a batch, merging it into the previous append when it continues it.</summary>
    public static void AddTo(RaftBatch batch, Message m)
    {
        var messages = batch.Messages;
        if (m.Type == MessageType.Append && messages.Count > 0)
        {
            var last = messages[^1];
            // A follower acks the highest index of a merged append, which frees every inflight slot up to it on the
            // leader, so two appends that continue each other may travel as one.
            if (last.Type == (uint)MessageType.Append && (long)last.Term == m.Term && last.Entries.Count > 0
                && (long)last.Index + last.Entries.Count == m.Index && (long)last.Entries[^1].Term == m.LogTerm)
            {
                foreach (var e in m.Entries)
                {
                    last.Entries.Add(ToProto(e));
                }

                last.Commit = Math.Max(last.Commit, (ulong)m.Commit);
                return;
            }
        }

        messages.Add(ToProto(m));
    }

    public static RaftMessage ToProto(Message m)
    {
        var p = new RaftMessage
        {
            Type = (uint)m.Type,
            Term = (ulong)m.Term,
            LogTerm = (ulong)m.LogTerm,
            Index = (ulong)m.Index,
            Commit = (ulong)m.Commit,
            Reject = m.Reject,
            RejectHint = (ulong)m.RejectHint,
            Transfer = m.Transfer,
            SnapshotOffset = (ulong)m.SnapshotOffset,
            SnapshotDone = m.SnapshotDone,
        };
        foreach (var e in m.Entries)
        {
            p.Entries.Add(ToProto(e));
        }

        if (m.SnapshotMetadata is { } meta)
        {
            var sm = new SnapshotMeta { Index = (ulong)meta.Index, Term = (ulong)meta.Term };
            foreach (var v in meta.ConfState.Voters)
            {
                sm.Voters.Add((ulong)v);
            }

            foreach (var l in meta.ConfState.Learners)
            {
                sm.Learners.Add((ulong)l);
            }

            p.Snapshot = sm;
        }

        if (!m.SnapshotChunk.IsEmpty)
        {
            p.SnapshotChunk = UnsafeByteOperations.UnsafeWrap(m.SnapshotChunk);
        }

        if (!m.Context.IsEmpty)
        {
            p.Context = UnsafeByteOperations.UnsafeWrap(m.Context);
        }

        return p;
    }

    // Entries are immutable once created, so their bytes can be wrapped rather than copied.
    private static RaftEntry ToProto(Entry e) => new()
    {
        Index = (ulong)e.Index,
        Term = (ulong)e.Term,
        Type = (uint)e.Type,
        Data = e.Data.IsEmpty ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(e.Data),
    };

    /// <summary>Decodes a message; returns null (and a reason) for anything malformed rather than throwing.</summary>
    public static Message? FromProto(RaftMessage p, long from, long to, out string? error)
    {
        error = null;
        if (p.Type is < 1 or > (uint)MessageType.TransferLeadership)
        {
            error = $"unknown message type {p.Type}";
            return null;
        }

        if (p.Term > long.MaxValue || p.Index > long.MaxValue || p.Commit > long.MaxValue || p.LogTerm > long.MaxValue)
        {
            error = "numeric field out of range";
            return null;
        }

        var entries = p.Entries.Count == 0 ? (IReadOnlyList<Entry>)[] : new Entry[p.Entries.Count];
        for (var i = 0; i < p.Entries.Count; i++)
        {
            var e = p.Entries[i];
            if (e.Type > (uint)EntryType.ConfChange || e.Index > long.MaxValue || e.Term > long.MaxValue)
            {
                error = $"malformed entry at {e.Index}";
                return null;
            }

            ((Entry[])entries)[i] = new Entry((long)e.Index, (long)e.Term, (EntryType)e.Type, e.Data.Memory);
        }

        SnapshotMetadata? meta = null;
        if (p.Snapshot is { } sm)
        {
            meta = new SnapshotMetadata(
                (long)sm.Index, (long)sm.Term, new ConfState([.. sm.Voters.Select(v => (long)v)], [.. sm.Learners.Select(l => (long)l)]));
        }

        return new Message((MessageType)p.Type, from, to, (long)p.Term)
        {
            LogTerm = (long)p.LogTerm,
            Index = (long)p.Index,
            Entries = entries,
            Commit = (long)p.Commit,
            Reject = p.Reject,
            RejectHint = (long)p.RejectHint,
            Transfer = p.Transfer,
            SnapshotMetadata = meta,
            SnapshotOffset = (long)p.SnapshotOffset,
            SnapshotChunk = p.SnapshotChunk.Memory,
            SnapshotDone = p.SnapshotDone,
            Context = p.Context.Memory,
        };
    }
}
