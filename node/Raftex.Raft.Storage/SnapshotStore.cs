using System.Buffers.Binary;

namespace Raftex.Raft.Storage;

/// <summary>
/// Snapshot files in one directory: each written to a temporary file, fsynced, renamed into place and the
/// directory fsynced, so a snapshot under its final name is always complete. The newest two are kept.
/// </summary>
/// <remarks>
/// File layout (little-endian): magic u64 "RFTXSNAP", version u32, flags u32, group id u64, index u64, term u64,
/// voter count u32, voters u64[], learner count u32, learners u64[], data length u64, data, crc32c u32 of all
/// preceding bytes. Name: <c>{index:x16}-{term:x16}.snap</c>.
/// </remarks>
public sealed class SnapshotStore
{
    /// <summary>How many snapshot files are kept; older ones are deleted after a newer one is durable.</summary>
    public const int Retained = 2;

    public const uint CurrentVersion = 1;

    /// <summary>
    /// Bytes of a snapshot file written between syncs: no more than this much of it waits unsynced in the page cache, so a
    /// large snapshot (a routine one, or one taken for a backup) reaches the disk in steps instead of one burst that would
    /// hold up the WAL's fsyncs on a shared disk.
    /// </summary>
    public const int SyncEvery = 8 << 20;

    private const string Extension = ".snap";
    private const int FixedHeaderSize = 40;
    private static readonly ulong Magic = BinaryPrimitives.ReadUInt64LittleEndian("RFTXSNAP"u8);

    private readonly string _directory;
    private readonly long _groupId;

    /// <summary>Opens (or creates) the snapshot directory and removes temporary files left by a crash mid-write.</summary>
    public SnapshotStore(string directory, long groupId = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        _groupId = groupId;
        System.IO.Directory.CreateDirectory(_directory);
        var removed = false;
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "*" + Extension + ".tmp"))
        {
            File.Delete(path);
            removed = true;
        }

        if (removed)
        {
            DirectorySync.Flush(_directory);
        }
    }

    /// <summary>The snapshot directory.</summary>
    public string Directory => _directory;

    /// <summary>Snapshot files present, newest first.</summary>
    public IReadOnlyList<string> Files => ListNewestFirst().ConvertAll(s => s.Path);

    /// <summary>Index of the newest snapshot file present (0 when there is none), from its name.</summary>
    public long NewestIndex => ListNewestFirst() is { Count: > 0 } files ? files[0].Index : 0;

    /// <summary>Bytes the snapshot directory's files take (temporary files of a snapshot being written included).</summary>
    public long BytesOnDisk => DiskUsage.Of(_directory);

    /// <summary>The path the snapshot file for <paramref name="metadata"/> has (whether or not it exists).</summary>
    public string PathOf(SnapshotMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Path.Combine(_directory, FileName(metadata.Index, metadata.Term));
    }

    /// <summary>Writes <paramref name="snapshot"/> durably (file and directory fsynced) and prunes to the newest <see cref="Retained"/>.</summary>
    public void Save(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var metadata = snapshot.Metadata;
        if (metadata.Index <= 0 || metadata.Term <= 0)
        {
            throw new ArgumentException($"snapshot index and term must be positive, got {metadata.Index}/{metadata.Term}", nameof(snapshot));
        }

        var path = PathOf(metadata);
        var temporary = path + ".tmp";
        var header = EncodeHeader(metadata, snapshot.Data.Length);
        var crc = Crc32C.Append(Crc32C.Seed, header);
        crc = Crc32C.Append(crc, snapshot.Data.Span);
        var trailer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32C.Finish(crc));

        try
        {
            using var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
            RandomAccess.Write(handle, header, 0);
            var data = snapshot.Data.Span;
            for (var done = 0; done < data.Length; done += SyncEvery)
            {
                var piece = data.Slice(done, Math.Min(SyncEvery, data.Length - done));
                RandomAccess.Write(handle, piece, header.Length + done);
                if (done + piece.Length < data.Length)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            RandomAccess.Write(handle, trailer, header.Length + snapshot.Data.Length);
            RandomAccess.FlushToDisk(handle);
        }
        catch
        {
            // A half-written snapshot (a full disk, most likely) must not keep holding the space it took.
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(_directory);
        Prune();
    }

    /// <summary>
    /// Loads the newest snapshot, or <see cref="Snapshot.Empty"/> when there is none. A damaged newest file is an
    /// error, never a silent fallback to an older snapshot: the log may no longer hold the entries after the older one.
    /// </summary>
    /// <exception cref="SnapshotCorruptionException">The newest snapshot file is damaged.</exception>
    public Snapshot LoadNewest()
    {
        return LoadNewest(out _);
    }

    /// <summary>As <see cref="LoadNewest()"/>, also giving the file it was read from (null when there is none).</summary>
    public Snapshot LoadNewest(out string? path)
    {
        var files = ListNewestFirst();
        path = files.Count == 0 ? null : files[0].Path;
        return files.Count == 0 ? Snapshot.Empty : Read(files[0].Path, files[0].Index, files[0].Term);
    }

    private Snapshot Read(string path, long nameIndex, long nameTerm)
    {
        var snapshot = Decode(File.ReadAllBytes(path), path, out var groupId);
        if (groupId != _groupId)
        {
            throw new SnapshotCorruptionException(path, $"snapshot belongs to raft group {groupId}, not {_groupId}");
        }

        var metadata = snapshot.Metadata;
        if (metadata.Index != nameIndex || metadata.Term != nameTerm)
        {
            throw new SnapshotCorruptionException(path, $"header says {metadata.Index}/{metadata.Term} but the file name says {nameIndex}/{nameTerm}");
        }

        return snapshot;
    }

    /// <summary>
    /// Decodes the bytes of a whole snapshot file (the layout in the class remarks), checking magic, version and CRC32C;
    /// <paramref name="source"/> names the file in errors. Backups carry these bytes unchanged.
    /// </summary>
    /// <exception cref="SnapshotCorruptionException">The bytes are not an intact snapshot file.</exception>
    /// <exception cref="WalFormatException">The file layout version is not one this build reads.</exception>
    public static Snapshot Decode(ReadOnlyMemory<byte> file, string source, out long groupId)
    {
        var data = file.Span;
        if (data.Length < FixedHeaderSize + 4 + 4 + 8 + 4)
        {
            throw new SnapshotCorruptionException(source, $"file is only {data.Length} bytes");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(data) != Magic)
        {
            throw new SnapshotCorruptionException(source, "magic is wrong (not a Raftex snapshot)");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (version != CurrentVersion)
        {
            throw new WalFormatException(source, version, CurrentVersion);
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
        if (Crc32C.Compute(data[..^4]) != stored)
        {
            throw new SnapshotCorruptionException(source, "checksum mismatch");
        }

        var body = data[..^4];
        groupId = BinaryPrimitives.ReadInt64LittleEndian(body[16..]);
        var index = BinaryPrimitives.ReadInt64LittleEndian(body[24..]);
        var term = BinaryPrimitives.ReadInt64LittleEndian(body[32..]);
        try
        {
            var at = FixedHeaderSize;
            var voters = WalRecord.ReadIds(body, ref at);
            var learners = WalRecord.ReadIds(body, ref at);
            if (body.Length - at < 8)
            {
                throw new FormatException("data length is cut short");
            }

            var length = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
            at += 8;
            if (length != body.Length - at)
            {
                throw new FormatException($"data length {length} does not match the {body.Length - at} bytes present");
            }

            var metadata = new SnapshotMetadata(index, term, new ConfState(voters, learners));
            return new Snapshot(metadata, file.Slice(at, (int)length));
        }
        catch (FormatException e)
        {
            throw new SnapshotCorruptionException(source, e.Message);
        }
    }

    private byte[] EncodeHeader(SnapshotMetadata metadata, int dataLength)
    {
        var conf = metadata.ConfState;
        var header = new byte[FixedHeaderSize + 4 + (8 * conf.Voters.Count) + 4 + (8 * conf.Learners.Count) + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), _groupId);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), metadata.Index);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), metadata.Term);
        var at = WalRecord.WriteIds(header, FixedHeaderSize, conf.Voters);
        at = WalRecord.WriteIds(header, at, conf.Learners);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(at), dataLength);
        return header;
    }

    private void Prune()
    {
        var files = ListNewestFirst();
        if (files.Count <= Retained)
        {
            return;
        }

        for (var i = Retained; i < files.Count; i++)
        {
            File.Delete(files[i].Path);
        }

        DirectorySync.Flush(_directory);
    }

    private List<(string Path, long Index, long Term)> ListNewestFirst()
    {
        var files = new List<(string Path, long Index, long Term)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            if (TryParseFileName(Path.GetFileName(path), out var index, out var term))
            {
                files.Add((path, index, term));
            }
        }

        files.Sort((a, b) => a.Index != b.Index ? b.Index.CompareTo(a.Index) : b.Term.CompareTo(a.Term));
        return files;
    }

    private static string FileName(long index, long term) => $"{index:x16}-{term:x16}{Extension}";

    private static bool TryParseFileName(string name, out long index, out long term)
    {
        index = 0;
        term = 0;
        return name.Length == 33 + Extension.Length && name[16] == '-' && name.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out index)
            && long.TryParse(name.AsSpan(17, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out term);
    }
}
