using System.Buffers.Binary;
using System.Numerics;
using Raftex.Exchange;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Backup;

/// <summary>
/// Checks the bytes of a Raft snapshot file (the layout of <see cref="SnapshotStore"/>) as they stream past, holding only
/// the file's header and the first <see cref="SummaryPrefixBytes"/> of the exchange snapshot: magic, version, CRC32C and
/// layout of the Raft file; magic, version, length and checksum of the exchange snapshot inside, and what it records about
/// itself (<see cref="ExchangeStateMachine.ReadBodySummary"/>). The state is not rebuilt. Failures are found in the order
/// <see cref="SnapshotStore.Decode"/> and <see cref="ExchangeStateMachine.Restore"/> report them, and given at
/// <see cref="Finish"/>.
/// </summary>
internal sealed class SnapshotFileCheck
{
    /// <summary>How much of the exchange snapshot's body is kept to read its summary (configuration, index, state hash).</summary>
    public const int SummaryPrefixBytes = 1 << 20;

    private const int FixedHeaderSize = 40;
    private const int ExchangeHeaderSize = 14;
    private const int ExchangeTrailerSize = 8;
    private const int MaxMembers = 4096;
    private static readonly ulong RaftMagic = BinaryPrimitives.ReadUInt64LittleEndian("RFTXSNAP"u8);

    private readonly string _source;
    private readonly long _size;
    private readonly byte[] _header = new byte[FixedHeaderSize + 4 + (8 * MaxMembers) + 4 + (8 * MaxMembers) + 8];
    private readonly byte[] _trailer = new byte[4];
    private readonly byte[] _exchangeHeader = new byte[ExchangeHeaderSize];
    private readonly byte[] _exchangeTrailer = new byte[ExchangeTrailerSize];
    private long _position;
    private uint _crc = uint.MaxValue;

    // The header's length once its member counts are known; until then how much of it must be read to learn more.
    private int _headerNeed = FixedHeaderSize + 4;
    private int _headerRead;
    private bool _headerDone;
    private (BackupCheck Check, string Detail)? _early;
    private string? _layout;
    private long _dataStart = -1;
    private long _dataLength;
    private long _groupId;
    private SnapshotMetadata? _metadata;

    private long _exchangeBody = -1;
    private byte[]? _prefix;
    private int _prefixLength;
    private SnapshotChecksum _checksum;

    public SnapshotFileCheck(string source, long size)
    {
        _source = source;
        _size = size;
    }

    /// <summary>Takes the next bytes of the file; the total must come to the size given at construction.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_position + data.Length > _size)
        {
            throw new InvalidOperationException($"{_position + data.Length} bytes appended to a check of a {_size}-byte file");
        }

        var crcEnd = _size - 4;
        while (!data.IsEmpty)
        {
            var at = _position;
            var take = data.Length;
            if (at < crcEnd)
            {
                take = (int)Math.Min(take, crcEnd - at);
                _crc = Crc32CAppend(_crc, data[..take]);
            }
            else
            {
                data[..take].CopyTo(_trailer.AsSpan((int)(at - crcEnd)));
            }

            var piece = data[..take];
            if (!_headerDone && _early is null && _layout is null)
            {
                piece = TakeHeader(piece);
            }

            if (_dataStart >= 0 && !piece.IsEmpty)
            {
                TakeData(at + take - piece.Length, piece);
            }

            _position += take;
            data = data[take..];
        }
    }

    /// <summary>The file's group and metadata when the whole file is intact and the exchange snapshot inside is sound.</summary>
    /// <exception cref="BackupException">The first failure, with its check (<see cref="BackupCheck.SnapshotFile"/>, <see cref="BackupCheck.Format"/> or <see cref="BackupCheck.StateHash"/>).</exception>
    public (long GroupId, SnapshotMetadata Metadata, SnapshotSummary Summary) Finish(string location)
    {
        if (_position != _size)
        {
            throw new InvalidOperationException($"the check of a {_size}-byte file was given {_position} bytes");
        }

        if (_size < FixedHeaderSize + 4 + 4 + 8 + 4)
        {
            throw new BackupException(location, BackupCheck.SnapshotFile, Describe($"file is only {_size} bytes"));
        }

        if (_early is { } early)
        {
            throw new BackupException(location, early.Check, early.Detail);
        }

        if (~_crc != BinaryPrimitives.ReadUInt32LittleEndian(_trailer))
        {
            throw new BackupException(location, BackupCheck.SnapshotFile, Describe("checksum mismatch"));
        }

        if (_layout is not null || _metadata is null)
        {
            throw new BackupException(location, BackupCheck.SnapshotFile, Describe(_layout ?? "the header is cut short"));
        }

        return (_groupId, _metadata, ExchangeSummary(location));
    }

    /// <summary>CRC32C (Castagnoli) as the Raft snapshot file uses it: seeded with all ones, inverted at the end.</summary>
    private static uint Crc32CAppend(uint crc, ReadOnlySpan<byte> data)
    {
        for (; data.Length >= 8; data = data[8..])
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    private string Describe(string problem) => new SnapshotCorruptionException(_source, problem).Message;

    /// <summary>Reads header bytes from the front of <paramref name="piece"/>; returns what follows the header.</summary>
    private ReadOnlySpan<byte> TakeHeader(ReadOnlySpan<byte> piece)
    {
        while (!piece.IsEmpty && !_headerDone && _early is null && _layout is null)
        {
            var take = Math.Min(piece.Length, _headerNeed - _headerRead);
            piece[..take].CopyTo(_header.AsSpan(_headerRead));
            _headerRead += take;
            piece = piece[take..];
            if (_headerRead == _headerNeed)
            {
                AdvanceHeader();
            }
        }

        return _headerDone ? piece : [];
    }

    private void AdvanceHeader()
    {
        var header = _header.AsSpan(0, _headerRead);
        if (_headerRead == FixedHeaderSize + 4)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(header) != RaftMagic)
            {
                _early = (BackupCheck.SnapshotFile, Describe("magic is wrong (not a Raftex snapshot)"));
                return;
            }

            var version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (version != SnapshotStore.CurrentVersion)
            {
                _early = (BackupCheck.Format, new WalFormatException(_source, version, SnapshotStore.CurrentVersion).Message);
                return;
            }

            _groupId = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        }

        // Voters' count at 40, learners' count after the voters, the data length after the learners.
        var voters = BinaryPrimitives.ReadInt32LittleEndian(header[FixedHeaderSize..]);
        if (voters is < 0 or > MaxMembers)
        {
            _layout = $"member list count {voters} does not fit the remaining {_size - 4 - FixedHeaderSize - 4} bytes";
            return;
        }

        var learnersAt = FixedHeaderSize + 4 + (8 * voters);
        if (_headerRead < learnersAt + 4)
        {
            _headerNeed = learnersAt + 4;
            return;
        }

        var learners = BinaryPrimitives.ReadInt32LittleEndian(header[learnersAt..]);
        if (learners is < 0 or > MaxMembers)
        {
            _layout = $"member list count {learners} does not fit the remaining {_size - 4 - learnersAt - 4} bytes";
            return;
        }

        var lengthAt = learnersAt + 4 + (8 * learners);
        if (_headerRead < lengthAt + 8)
        {
            _headerNeed = lengthAt + 8;
            return;
        }

        _headerDone = true;
        _dataLength = BinaryPrimitives.ReadInt64LittleEndian(header[lengthAt..]);
        var present = _size - 4 - (lengthAt + 8);
        if (_dataLength != present)
        {
            _layout = $"data length {_dataLength} does not match the {present} bytes present";
            return;
        }

        _dataStart = lengthAt + 8;
        _metadata = new SnapshotMetadata(
            BinaryPrimitives.ReadInt64LittleEndian(header[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[32..]),
            new ConfState(Ids(header, FixedHeaderSize, voters), Ids(header, learnersAt, learners)));
    }

    private static long[] Ids(ReadOnlySpan<byte> header, int countAt, int count)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = BinaryPrimitives.ReadInt64LittleEndian(header[(countAt + 4 + (8 * i))..]);
        }

        return ids;
    }

    /// <summary>Takes bytes of the data region (the exchange snapshot); <paramref name="at"/> is their offset in the file.</summary>
    private void TakeData(long at, ReadOnlySpan<byte> piece)
    {
        var offset = at - _dataStart;
        if (offset >= _dataLength)
        {
            return;
        }

        piece = piece[..(int)Math.Min(piece.Length, _dataLength - offset)];
        if (offset < ExchangeHeaderSize)
        {
            var take = (int)Math.Min(piece.Length, ExchangeHeaderSize - offset);
            piece[..take].CopyTo(_exchangeHeader.AsSpan((int)offset));
            piece = piece[take..];
            offset += take;
            if (offset == ExchangeHeaderSize)
            {
                StartExchangeBody();
            }
        }

        if (_exchangeBody < 0 || piece.IsEmpty)
        {
            return;
        }

        var bodyOffset = offset - ExchangeHeaderSize;
        var inBody = (int)Math.Clamp(_exchangeBody - bodyOffset, 0, piece.Length);
        if (inBody > 0)
        {
            var body = piece[..inBody];
            _checksum.Append(body);
            if (_prefixLength < _prefix!.Length)
            {
                var keep = Math.Min(body.Length, _prefix.Length - _prefixLength);
                body[..keep].CopyTo(_prefix.AsSpan(_prefixLength));
                _prefixLength += keep;
            }
        }

        var trailer = piece[inBody..];
        if (!trailer.IsEmpty)
        {
            trailer.CopyTo(_exchangeTrailer.AsSpan((int)(bodyOffset + inBody - _exchangeBody)));
        }
    }

    private void StartExchangeBody()
    {
        var length = BinaryPrimitives.ReadInt64LittleEndian(_exchangeHeader.AsSpan(6));
        if (length != _dataLength - ExchangeHeaderSize - ExchangeTrailerSize)
        {
            return;
        }

        _exchangeBody = length;
        _prefix = new byte[Math.Min(length, SummaryPrefixBytes)];
        _checksum = new SnapshotChecksum(length);
    }

    /// <summary>What the exchange snapshot records, once its header, length and checksum are found sound.</summary>
    private SnapshotSummary ExchangeSummary(string location)
    {
        if (_dataLength < ExchangeHeaderSize + ExchangeTrailerSize)
        {
            throw Undecodable(location, "snapshot truncated: header incomplete");
        }

        var header = _exchangeHeader.AsSpan();
        if (!header[..4].SequenceEqual("RFXS"u8))
        {
            throw Undecodable(location, "not a Raftex exchange snapshot (bad magic)");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version is < ExchangeStateMachine.MinSnapshotVersion or > ExchangeStateMachine.SnapshotVersion)
        {
            throw Undecodable(location, $"unsupported snapshot version {version}; this build reads versions {ExchangeStateMachine.MinSnapshotVersion} to {ExchangeStateMachine.SnapshotVersion}");
        }

        if (_exchangeBody < 0)
        {
            throw Undecodable(location, $"snapshot body length {BinaryPrimitives.ReadInt64LittleEndian(header[6..])} does not match the {_dataLength - ExchangeHeaderSize - ExchangeTrailerSize} bytes present");
        }

        var stored = BinaryPrimitives.ReadUInt64LittleEndian(_exchangeTrailer);
        var computed = _checksum.Finish();
        if (computed != stored)
        {
            throw Undecodable(location, $"snapshot checksum mismatch: stored {stored:x16}, computed {computed:x16}");
        }

        // The checksum above covers the whole body; its summary is read from the kept front.
        try
        {
            return ExchangeStateMachine.ReadBodySummary(version, _prefix.AsSpan(0, _prefixLength));
        }
        catch (SnapshotFormatException e) when (_prefixLength < _exchangeBody)
        {
            throw Undecodable(location, $"its summary does not fit in the first {_prefixLength} bytes of its body ({e.Message})");
        }
        catch (SnapshotFormatException e)
        {
            throw Undecodable(location, e.Message);
        }
    }

    private static BackupException Undecodable(string location, string problem) =>
        new(location, problem.StartsWith("unsupported snapshot version", StringComparison.Ordinal) ? BackupCheck.Format : BackupCheck.StateHash,
            $"the exchange state does not decode: {problem}");
}
