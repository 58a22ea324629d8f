using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Raftex.Raft.Storage;

/// <summary>
/// A segmented, checksummed write-ahead log holding Raft entries, hard state, truncations and snapshot markers.
/// </summary>
/// <remarks>
/// <para>
/// Writes are buffered by <see cref="Save"/> / <see cref="SaveSnapshot"/> and made durable by one fsync in
/// <see cref="Sync"/>; <see cref="AppendAsync(HardState?, IReadOnlyList{Entry}, CancellationToken)"/> does the
/// same for concurrent producers through one background flusher (group commit). All writers serialise on one
/// lock, so the Raft loop and async producers may share a log, but a log has exactly one owning process:
/// the directory's lock file is held while it is open.
/// </para>
/// <para>See README.md beside this file for the on-disk format and the recovery rules.</para>
/// </remarks>
public sealed partial class WriteAheadLog : IDisposable
{
    /// <summary>The lock file in the WAL directory, held exclusively while a log is open.</summary>
    public const string LockFileName = "LOCK";

    private readonly string _directory;
    private readonly WalOptions _options;
    private readonly FileStream _lockFile;
    private readonly object _writeLock = new();
    private readonly List<SegmentFile> _segments;
    private readonly TermRuns _terms;

    private SafeFileHandle _segment;
    private long _segmentLength;

    // Bytes of the current segment known to be on disk: its length at the last successful sync (or at open).
    private long _syncedLength;

    // Bytes the current segment file holds on disk: the log data, then zero-filled preallocated space.
    private long _allocatedLength;
    private byte[]? _zeros;
    private bool _segmentHasEntries;
    private bool _unsyncedWrites;
    private byte[] _buffer;
    private int _buffered;

    private HardState _hardState;
    private SnapshotMetadata _snapshot;
    private long _durableSnapshotIndex;
    private volatile Exception? _failure;
    private bool _disposed;

    private long _syncCount;
    private long _directorySyncCount;
    private long _bytesWritten;
    private long _entriesWritten;
    private long _batchCount;

    private WriteAheadLog(
        string directory, WalOptions options, FileStream lockFile, List<SegmentFile> segments,
        SafeFileHandle segment, long segmentLength, bool segmentHasEntries, WalRecovery recovery)
    {
        _directory = directory;
        _options = options;
        _lockFile = lockFile;
        _segments = segments;
        _segment = segment;
        _segmentLength = segmentLength;
        _syncedLength = segmentLength;
        _allocatedLength = segmentLength;
        _segmentHasEntries = segmentHasEntries;
        _buffer = new byte[Math.Max(64 * 1024, Math.Min(options.WriteBufferSize, 4 * 1024 * 1024))];
        _hardState = recovery.HardState;
        _snapshot = recovery.Snapshot;
        _durableSnapshotIndex = recovery.Snapshot.Index;
        _terms = new TermRuns(recovery.Snapshot.Index, recovery.Snapshot.Term);
        foreach (var entry in recovery.Entries)
        {
            _terms.Append(entry.Index, entry.Term);
        }
    }

    /// <summary>The directory holding the segments and the lock file.</summary>
    public string Directory => _directory;

    /// <summary>Index of the last entry written (buffered or durable).</summary>
    public long LastIndex { get { lock (_writeLock) { return _terms.LastIndex; } } }

    /// <summary>Term of the last entry written, or the snapshot's term when the log is empty.</summary>
    public long LastTerm { get { lock (_writeLock) { return _terms.LastTerm; } } }

    /// <summary>The newest snapshot marker written.</summary>
    public SnapshotMetadata Snapshot { get { lock (_writeLock) { return _snapshot; } } }

    /// <summary>The last hard state written.</summary>
    public HardState HardState { get { lock (_writeLock) { return _hardState; } } }

    /// <summary>Segment files currently on disk, oldest first.</summary>
    public int SegmentCount { get { lock (_writeLock) { return _segments.Count; } } }

    /// <summary>Bytes the log directory's files take, the current segment's preallocated space included.</summary>
    public long BytesOnDisk => DiskUsage.Of(_directory);

    /// <summary>fsync/fdatasync calls on segment files: one per durable batch, plus rollovers.</summary>
    public long SyncCount => Interlocked.Read(ref _syncCount);

    /// <summary>fsync calls on the directory (segment creation, deletion, tail repair).</summary>
    public long DirectorySyncCount => Interlocked.Read(ref _directorySyncCount);

    /// <summary>Bytes handed to segment files since open.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Entry records written since open.</summary>
    public long EntriesWritten => Interlocked.Read(ref _entriesWritten);

    /// <summary>Durable batches: the fdatasync calls made by <see cref="Sync"/> and the group-commit flusher.</summary>
    public long BatchCount => Interlocked.Read(ref _batchCount);

    /// <summary>
    /// Buffers a hard state and entries. Entries must be contiguous; if the first index is at or below the last
    /// index, a truncate record voids the old suffix first. Nothing is durable until <see cref="Sync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The entries leave a gap, rewrite compacted entries, or go back in term.</exception>
    public void Save(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_writeLock)
        {
            ThrowIfUnusable();
            Validate(hardState, entries);
            try
            {
                Append(hardState, entries);
            }
            catch (Exception e)
            {
                Poison(e);
                throw;
            }
        }
    }

    /// <summary>
    /// Records that a snapshot at <paramref name="snapshot"/> is durable elsewhere: replay will start the log after it.
    /// If the log holds the snapshot's entry with the same term, later entries stay; otherwise the log restarts empty
    /// after the snapshot (a follower that installed a leader's snapshot). Durable after the next <see cref="Sync"/>.
    /// </summary>
    public void SaveSnapshot(SnapshotMetadata snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_writeLock)
        {
            ThrowIfUnusable();
            if (snapshot.Index <= 0 || snapshot.Term <= 0)
            {
                throw new ArgumentException($"snapshot index and term must be positive, got index {snapshot.Index} term {snapshot.Term}", nameof(snapshot));
            }

            if (snapshot.Index < _snapshot.Index || (snapshot.Index == _snapshot.Index && snapshot.Term != _snapshot.Term))
            {
                throw new ArgumentException(
                    $"snapshot {snapshot.Index}/{snapshot.Term} is older than or conflicts with the current snapshot {_snapshot.Index}/{_snapshot.Term}",
                    nameof(snapshot));
            }

            Guard(() =>
            {
                EncodeSnapshotMarker(snapshot);
                _terms.ApplySnapshot(snapshot.Index, snapshot.Term);
                _snapshot = snapshot;
            });
        }
    }

    /// <summary>Writes everything buffered and fsyncs the current segment once. A no-op when nothing is pending.</summary>
    public void Sync()
    {
        lock (_writeLock)
        {
            ThrowIfUnusable();
            try
            {
                SyncLocked();
            }
            catch (Exception e)
            {
                Poison(e);
                throw;
            }
        }
    }

    /// <summary>
    /// Deletes segments whose live entries all lie at or below <paramref name="snapshotIndex"/>. The snapshot must
    /// already be durable and marked in this log (<see cref="SaveSnapshot"/> then <see cref="Sync"/>). The current
    /// segment is never deleted. Returns the number of segments removed.
    /// </summary>
    public int ReleaseTo(long snapshotIndex)
    {
        lock (_writeLock)
        {
            ThrowIfUnusable();
            if (snapshotIndex > _durableSnapshotIndex)
            {
                throw new InvalidOperationException(
                    $"cannot release segments up to index {snapshotIndex}: the newest durable snapshot marker is at {_durableSnapshotIndex}; " +
                    "save the snapshot, mark it with SaveSnapshot and Sync first");
            }

            // A failed delete does not poison the log: no record is at stake, and the next call retries.
            // Entries in segment k are all below the first index of segment k+1 (a truncation below that
            // point is recorded in k+1 and only voids more), so segment k is covered once that index - 1 is.
            var removed = 0;
            while (_segments.Count > 1 && _segments[1].FirstIndex - 1 <= snapshotIndex)
            {
                File.Delete(_segments[0].Path);
                _segments.RemoveAt(0);
                removed++;
            }

            if (removed > 0)
            {
                SyncDirectory();
            }

            return removed;
        }
    }

    /// <summary>Flushes pending async appends and buffered writes (fsynced), then releases the directory lock.</summary>
    public void Dispose()
    {
        DrainAsyncAppends();
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                if (_failure is null)
                {
                    // A clean close leaves the segment exactly as long as its records.
                    WriteBuffered();
                    TrimPreallocation();
                    SyncLocked();
                }
            }
            finally
            {
                _segment.Dispose();
                _lockFile.Dispose();
            }
        }
    }

    private void Validate(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        if (hardState is { } hs)
        {
            if (hs.Term < _hardState.Term)
            {
                throw new ArgumentException($"hard state term {hs.Term} is below the saved term {_hardState.Term}; terms never go back", nameof(hardState));
            }

            if (hs.Term < 0 || hs.Vote < 0 || hs.Commit < 0)
            {
                throw new ArgumentException($"hard state fields must not be negative: {hs}", nameof(hardState));
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        var first = entries[0];
        if (first.Index > _terms.LastIndex + 1)
        {
            throw new ArgumentException(
                $"entry index {first.Index} leaves a gap: the log ends at index {_terms.LastIndex}, so the next entry must be at most {_terms.LastIndex + 1}",
                nameof(entries));
        }

        if (first.Index <= _terms.BaseIndex)
        {
            throw new ArgumentException(
                $"entry index {first.Index} is at or below the snapshot index {_terms.BaseIndex}; compacted entries cannot be rewritten",
                nameof(entries));
        }

        var previousTerm = _terms.TermAt(first.Index - 1);
        var expectedIndex = first.Index;
        // An indexed loop: foreach over IReadOnlyList would box an enumerator on every batch.
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Index != expectedIndex)
            {
                throw new ArgumentException($"entries must be contiguous: expected index {expectedIndex}, got {entry.Index}", nameof(entries));
            }

            if (entry.Term < previousTerm)
            {
                throw new ArgumentException($"entry {entry.Index} has term {entry.Term}, below the term {previousTerm} of the entry before it", nameof(entries));
            }

            if (entry.Data.Length > WalRecord.MaxPayload - WalRecord.EntryFixedSize)
            {
                throw new ArgumentException($"entry {entry.Index} carries {entry.Data.Length} bytes, more than a WAL record holds", nameof(entries));
            }

            previousTerm = entry.Term;
            expectedIndex++;
        }
    }

    private void Append(HardState? hardState, IReadOnlyList<Entry> entries)
    {
        if (entries.Count > 0)
        {
            var firstIndex = entries[0].Index;
            if (firstIndex <= _terms.LastIndex)
            {
                var payload = BeginRecord(WalRecordType.Truncate, WalRecord.TruncateSize, out var start);
                BinaryPrimitives.WriteInt64LittleEndian(payload, firstIndex);
                SealRecord(start);
                _terms.TruncateFrom(firstIndex);
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (_segmentHasEntries && _segmentLength + _buffered >= _options.SegmentSize)
                {
                    Rollover(entry.Index);
                }

                var payload = BeginRecord(WalRecordType.Entry, WalRecord.EntryFixedSize + entry.Data.Length, out var start);
                WalRecord.WriteEntry(payload, entry);
                SealRecord(start);
                _terms.Append(entry.Index, entry.Term);
                _segmentHasEntries = true;
                _entriesWritten++;
            }
        }

        if (hardState is { } hs && hs != _hardState)
        {
            EncodeHardState(hs);
            _hardState = hs;
        }

        if (_buffered >= _options.WriteBufferSize)
        {
            WriteBuffered();
        }
    }

    private void EncodeHardState(HardState hardState)
    {
        var payload = BeginRecord(WalRecordType.HardState, WalRecord.HardStateSize, out var start);
        WalRecord.WriteHardState(payload, hardState);
        SealRecord(start);
    }

    private void EncodeSnapshotMarker(SnapshotMetadata snapshot)
    {
        var payload = BeginRecord(WalRecordType.SnapshotMarker, WalRecord.SnapshotMarkerSize(snapshot), out var start);
        WalRecord.WriteSnapshotMarker(payload, snapshot);
        SealRecord(start);
    }

    private Span<byte> BeginRecord(WalRecordType type, int payloadLength, out int start)
    {
        var size = WalRecord.HeaderSize + payloadLength;
        if (_buffer.Length - _buffered < size)
        {
            WriteBuffered();
            if (_buffer.Length < size)
            {
                _buffer = new byte[size];
            }
        }

        start = _buffered;
        var record = _buffer.AsSpan(start, size);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payloadLength);
        record[8] = (byte)type;
        _buffered += size;
        return record[WalRecord.HeaderSize..];
    }

    private void SealRecord(int start) => WalRecord.Seal(_buffer.AsSpan(start, _buffered - start));

    private void WriteBuffered()
    {
        if (_buffered == 0)
        {
            return;
        }

        if (_segmentLength + _buffered > _allocatedLength && _options.PreallocationSize > 0)
        {
            Preallocate(_segmentLength + _buffered);
        }

        RandomAccess.Write(_segment, _buffer.AsSpan(0, _buffered), _segmentLength);
        _segmentLength += _buffered;
        _allocatedLength = Math.Max(_allocatedLength, _segmentLength);
        _bytesWritten += _buffered;
        _buffered = 0;
        _unsyncedWrites = true;
    }

    /// <summary>
    /// Extends the segment with real zeros (not a sparse or unwritten extent, which would still cost a metadata
    /// update on first write) and makes the new size durable, so later syncs only overwrite allocated blocks.
    /// Replay treats a zero tail as empty space, and a closed segment is cut back to its data first.
    /// </summary>
    private void Preallocate(long needed)
    {
        // Whole chunks from the start of the file, never more than a segment's worth ahead.
        var chunk = Math.Min(_options.PreallocationSize, _options.SegmentSize);
        var target = (needed + chunk - 1) / chunk * chunk;
        _zeros ??= new byte[Math.Min(chunk, 1024 * 1024)];
        for (var at = _allocatedLength; at < target; at += _zeros.Length)
        {
            RandomAccess.Write(_segment, _zeros.AsSpan(0, (int)Math.Min(_zeros.Length, target - at)), at);
        }

        _allocatedLength = target;
        _unsyncedWrites = true;
    }

    /// <summary>Cuts the preallocated zeros off the current segment so a closed segment ends with its last record.</summary>
    private void TrimPreallocation()
    {
        if (_allocatedLength > _segmentLength)
        {
            RandomAccess.SetLength(_segment, _segmentLength);
            _allocatedLength = _segmentLength;
            _unsyncedWrites = true;
        }
    }

    private void SyncLocked()
    {
        if (_buffered == 0 && !_unsyncedWrites)
        {
            return;
        }

        WriteBuffered();
        DataSync.Flush(_segment);
        _syncedLength = _segmentLength;
        _unsyncedWrites = false;
        _syncCount++;
        _batchCount++;
        _durableSnapshotIndex = _snapshot.Index;
    }

    /// <summary>
    /// Closes the current segment (fsynced) and starts the next one. The new file is written under a temporary
    /// name with its header and a copy of the hard state and snapshot marker, fsynced, renamed into place, and
    /// the directory fsynced, so a segment under its final name is always complete and self-describing.
    /// </summary>
    private void Rollover(long firstIndex)
    {
        WriteBuffered();
        TrimPreallocation();
        RandomAccess.FlushToDisk(_segment);
        _syncedLength = _segmentLength;
        _unsyncedWrites = false;
        _syncCount++;
        _durableSnapshotIndex = _snapshot.Index;

        var sequence = _segments[^1].Sequence + 1;
        var handle = CreateSegment(_directory, _options.GroupId, sequence, firstIndex, _hardState, _snapshot, out var path, out var length);
        _directorySyncCount++;
        _syncCount++;
        _segment.Dispose();
        _segment = handle;
        _segmentLength = length;
        _syncedLength = length;
        _allocatedLength = length;
        _segmentHasEntries = false;
        _segments.Add(new SegmentFile(sequence, firstIndex, path));
    }

    internal static SafeFileHandle CreateSegment(
        string directory, long groupId, long sequence, long firstIndex, HardState hardState, SnapshotMetadata snapshot,
        out string path, out long length)
    {
        path = Path.Combine(directory, SegmentHeader.FileName(sequence, firstIndex));
        var temporary = path + ".tmp";
        var preamble = new byte[SegmentHeader.Size + WalRecord.HeaderSize + WalRecord.HardStateSize + WalRecord.HeaderSize + WalRecord.SnapshotMarkerSize(snapshot)];
        new SegmentHeader(groupId, firstIndex, sequence).Write(preamble);
        var at = SegmentHeader.Size;
        if (!hardState.IsEmpty)
        {
            var record = preamble.AsSpan(at, WalRecord.HeaderSize + WalRecord.HardStateSize);
            BinaryPrimitives.WriteUInt32LittleEndian(record, WalRecord.HardStateSize);
            record[8] = (byte)WalRecordType.HardState;
            WalRecord.WriteHardState(record[WalRecord.HeaderSize..], hardState);
            WalRecord.Seal(record);
            at += record.Length;
        }

        if (snapshot.Index > 0)
        {
            var size = WalRecord.SnapshotMarkerSize(snapshot);
            var record = preamble.AsSpan(at, WalRecord.HeaderSize + size);
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)size);
            record[8] = (byte)WalRecordType.SnapshotMarker;
            WalRecord.WriteSnapshotMarker(record[WalRecord.HeaderSize..], snapshot);
            WalRecord.Seal(record);
            at += record.Length;
        }

        var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            RandomAccess.Write(handle, preamble.AsSpan(0, at), 0);
            RandomAccess.FlushToDisk(handle);
            // Renaming an open file is fine on Unix; the handle keeps writing to the renamed inode.
            File.Move(temporary, path);
            DirectorySync.Flush(directory);
        }
        finally
        {
            // A handle reports errors under the name it was opened with; later failures (a full disk, most likely)
            // must name the segment, not a temporary file that no longer exists, so it is reopened by its final name.
            handle.Dispose();
        }

        length = at;
        return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
    }

    private void SyncDirectory()
    {
        DirectorySync.Flush(_directory);
        _directorySyncCount++;
    }

    /// <summary>
    /// Runs a write step; a failure poisons the log, because after a failed write or fsync the kernel may have
    /// dropped dirty pages and nothing written since the last good sync can be trusted to be on disk.
    /// Used off the hot path; Save, Sync and the flusher inline the same rule to avoid a closure per call.
    /// </summary>
    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            Poison(e);
            throw;
        }
    }

    private void Poison(Exception e) => _failure ??= e;

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is { } failure)
        {
            throw new InvalidOperationException($"the WAL in '{_directory}' failed earlier and accepts no more writes: {failure.Message}", failure);
        }
    }

    private sealed record SegmentFile(long Sequence, long FirstIndex, string Path);
}
