using Microsoft.Win32.SafeHandles;

namespace Raftex.Raft.Storage;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Opens (or creates) the log in <paramref name="directory"/>, takes its lock, and replays every segment.
    /// A torn final record is cut off; any other damage throws <see cref="WalCorruptionException"/> naming the file and offset.
    /// </summary>
    /// <exception cref="WalLockedException">Another writer holds the directory.</exception>
    /// <exception cref="WalCorruptionException">A segment is damaged before its tail.</exception>
    /// <exception cref="WalFormatException">A segment was written in an unknown format version.</exception>
    public static (WriteAheadLog Log, WalRecovery Recovery) Open(string directory, WalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= WalOptions.Default;
        options.Validate();
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            var parent = Path.GetDirectoryName(directory);
            if (parent is not null)
            {
                DirectorySync.Flush(parent);
            }
        }

        var lockFile = AcquireLock(directory);
        try
        {
            return Replay(directory, options, lockFile);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replays this log's directory again, under the lock it already holds, and returns a log that continues from what
    /// is on disk; this instance accepts nothing more. Meant for a log that a failed write poisoned (a full disk): the
    /// record the failure tore is cut off, a segment whose creation failed is removed, and everything synced before is
    /// recovered. Nothing written after the last successful sync is trusted, even if it reads back: after a failed
    /// fsync Linux may keep pages that never reached the disk readable in the page cache, and appending after them
    /// would leave a hole before valid records. If the replay itself fails, this instance still holds the lock and
    /// Reopen may be called again.
    /// </summary>
    public (WriteAheadLog Log, WalRecovery Recovery) Reopen()
    {
        DrainAsyncAppends();
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _failure ??= new InvalidOperationException("the log was closed to be reopened");
            _segment.Dispose();
            CutUnsynced();
            var reopened = Replay(_directory, _options, _lockFile);
            // The lock file now belongs to the new log: disposing this one must not release it.
            _disposed = true;
            return reopened;
        }
    }

    /// <summary>Cuts the current segment back to its length at the last successful sync, durably.</summary>
    private void CutUnsynced()
    {
        using var handle = File.OpenHandle(_segments[^1].Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        if (RandomAccess.GetLength(handle) > _syncedLength)
        {
            RandomAccess.SetLength(handle, _syncedLength);
            RandomAccess.FlushToDisk(handle);
        }
    }

    private static FileStream AcquireLock(string directory)
    {
        try
        {
            // FileShare.None takes an exclusive flock on Unix, which also excludes a second open in this process.
            return new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new WalLockedException(directory, e);
        }
    }

    private static (WriteAheadLog, WalRecovery) Replay(string directory, WalOptions options, FileStream lockFile)
    {
        var segments = ListSegments(directory);
        if (segments.Count == 0)
        {
            var handle = CreateSegment(directory, options.GroupId, 0, 1, HardState.Empty, SnapshotMetadata.Empty, out var path, out var length);
            var fresh = new WalRecovery(HardState.Empty, SnapshotMetadata.Empty, [], null);
            var log = new WriteAheadLog(directory, options, lockFile, [new SegmentFile(0, 1, path)], handle, length, false, fresh);
            return (log, fresh);
        }

        var state = new ReplayState();
        long validLength = 0;
        WalTornTail? torn = null;
        var cut = false;
        var lastHasEntries = false;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var isLast = i == segments.Count - 1;
            var data = File.ReadAllBytes(segment.Path);
            var header = SegmentHeader.Read(data, segment.Path);
            if (header.Sequence != segment.Sequence || header.FirstIndex != segment.FirstIndex)
            {
                throw new WalCorruptionException(segment.Path, 0,
                    $"header says sequence {header.Sequence} first index {header.FirstIndex}, but the file name says {segment.Sequence}/{segment.FirstIndex}");
            }

            if (header.GroupId != options.GroupId)
            {
                throw new WalCorruptionException(segment.Path, 0, $"segment belongs to raft group {header.GroupId}, not {options.GroupId}");
            }

            if (i > 0 && segment.Sequence != segments[i - 1].Sequence + 1)
            {
                throw new WalCorruptionException(segment.Path, 0, $"segment sequence {segments[i - 1].Sequence + 1} is missing before this one");
            }

            if (i == 0)
            {
                state.Begin(header.FirstIndex);
            }

            var offset = SegmentHeader.Size;
            var hasEntries = false;
            while (offset < data.Length)
            {
                var status = WalRecord.TryRead(data, offset, out var type, out var payload, out var size);
                if (status != RecordReadStatus.Ok)
                {
                    // Only the end of the last segment can be a write that a crash interrupted; everything before
                    // it was fsynced before anything after it was written. A bad record is a torn tail only if no
                    // valid record follows it: otherwise committed data lies behind the damage.
                    if (isLast && !AnyValidRecordAfter(data, offset))
                    {
                        // Trailing zeros are preallocated space, not lost data; count only the torn bytes before them.
                        var discarded = data.AsSpan(offset).LastIndexOfAnyExcept((byte)0) + 1;
                        if (discarded > 0)
                        {
                            torn = WalTornTail.Measure(segment.Path, offset, data.AsSpan(offset, discarded));
                        }

                        cut = true;
                        break;
                    }

                    throw new WalCorruptionException(segment.Path, offset, WalRecord.Describe(status));
                }

                try
                {
                    hasEntries |= state.Apply(type, payload);
                }
                catch (FormatException e)
                {
                    throw new WalCorruptionException(segment.Path, offset, e.Message);
                }

                offset += size;
            }

            validLength = offset;
            lastHasEntries = hasEntries;
        }

        var last = segments[^1];
        var segmentHandle = File.OpenHandle(last.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var recovery = state.Finish(last.Path, torn);
            if (cut)
            {
                // Cut the torn tail so new records follow the last good one, and make the cut durable before
                // anything is appended after it.
                RandomAccess.SetLength(segmentHandle, validLength);
                RandomAccess.FlushToDisk(segmentHandle);
            }

            var log = new WriteAheadLog(directory, options, lockFile, segments, segmentHandle, validLength, lastHasEntries, recovery);
            return (log, recovery);
        }
        catch
        {
            segmentHandle.Dispose();
            throw;
        }
    }

    private static List<SegmentFile> ListSegments(string directory)
    {
        var segments = new List<SegmentFile>();
        var removedTemporary = false;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".wal.tmp", StringComparison.Ordinal))
            {
                // A segment that crashed before its rename never held a record anyone relied on.
                File.Delete(path);
                removedTemporary = true;
            }
            else if (SegmentHeader.TryParseFileName(name, out var sequence, out var firstIndex))
            {
                segments.Add(new SegmentFile(sequence, firstIndex, path));
            }
        }

        if (removedTemporary)
        {
            DirectorySync.Flush(directory);
        }

        segments.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return segments;
    }

    private static bool AnyValidRecordAfter(byte[] data, int offset)
    {
        if (!data.AsSpan(offset).ContainsAnyExcept((byte)0))
        {
            return false;
        }

        for (var at = offset + 1; at <= data.Length - WalRecord.HeaderSize; at++)
        {
            if (WalRecord.TryRead(data, at, out _, out _, out _) == RecordReadStatus.Ok)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The log as replay rebuilds it, record by record; the same rules the writer applies live.</summary>
    private sealed class ReplayState
    {
        private readonly List<Entry> _entries = [];
        private long _baseIndex;
        private long _baseTerm;
        private long _firstSegmentIndex;

        // True while the log starts at a segment whose predecessors were released and no snapshot marker
        // covering the gap has been read yet (the segment's own copy of the marker may be older).
        private bool _headless;
        private HardState _hardState;
        private SnapshotMetadata _snapshot = SnapshotMetadata.Empty;

        private long LastIndex => _baseIndex + _entries.Count;

        public void Begin(long firstIndex)
        {
            _firstSegmentIndex = firstIndex;
            _baseIndex = firstIndex - 1;
            _headless = firstIndex > 1;
        }

        /// <summary>Applies one record; returns true if it was an entry.</summary>
        public bool Apply(WalRecordType type, ReadOnlySpan<byte> payload)
        {
            switch (type)
            {
                case WalRecordType.Entry:
                    var entry = WalRecord.ReadEntry(payload);
                    if (entry.Index != LastIndex + 1)
                    {
                        throw new FormatException($"entry index {entry.Index} does not follow the last index {LastIndex}");
                    }

                    _entries.Add(entry);
                    return true;

                case WalRecordType.HardState:
                    _hardState = WalRecord.ReadHardState(payload);
                    return false;

                case WalRecordType.Truncate:
                    Truncate(WalRecord.ReadTruncate(payload));
                    return false;

                default:
                    ApplySnapshot(WalRecord.ReadSnapshotMarker(payload));
                    return false;
            }
        }

        private void Truncate(long from)
        {
            if (from > LastIndex + 1)
            {
                throw new FormatException($"truncate from index {from} lies beyond the last index {LastIndex}");
            }

            if (from <= _baseIndex)
            {
                if (!_headless)
                {
                    throw new FormatException($"truncate from index {from} reaches into the snapshot at {_baseIndex}");
                }

                // The voided entries lived in a released segment; the log now starts just before the truncation point.
                _entries.Clear();
                _baseIndex = from - 1;
                return;
            }

            _entries.RemoveRange((int)(from - _baseIndex - 1), (int)(LastIndex - from + 1));
        }

        private void ApplySnapshot(SnapshotMetadata snapshot)
        {
            if (snapshot.Index < _baseIndex)
            {
                if (_headless)
                {
                    // An older marker copied into the first remaining segment; a newer one covers the released range.
                    _snapshot = snapshot;
                    return;
                }

                throw new FormatException($"snapshot marker {snapshot.Index} goes back before the log start {_baseIndex}");
            }

            if (snapshot.Index == _baseIndex)
            {
                if (!_headless && snapshot.Term != _baseTerm && _baseIndex > 0)
                {
                    throw new FormatException($"snapshot marker {snapshot.Index}/{snapshot.Term} contradicts the log start term {_baseTerm}");
                }
            }
            else if (snapshot.Index <= LastIndex && _entries[(int)(snapshot.Index - _baseIndex - 1)].Term == snapshot.Term)
            {
                _entries.RemoveRange(0, (int)(snapshot.Index - _baseIndex));
            }
            else
            {
                _entries.Clear();
            }

            _baseIndex = snapshot.Index;
            _baseTerm = snapshot.Term;
            _headless = false;
            _snapshot = snapshot;
        }

        public WalRecovery Finish(string lastSegment, WalTornTail? torn)
        {
            if (_headless)
            {
                throw new WalCorruptionException(lastSegment, 0,
                    $"the oldest segment starts at index {_firstSegmentIndex} but no snapshot marker covers the entries before it; earlier segments are missing");
            }

            return new WalRecovery(_hardState, _snapshot, _entries.ToArray(), torn);
        }
    }
}
