using System.Buffers.Binary;
using System.Text;

namespace Raftex.Exchange;

/// <summary>
/// Versioned binary snapshot: "RFXS", u16 version, i64 body length, body, u64 checksum of the body.
/// Version 2 adds the entry format version in force (u8) and the log index that set it (i64) after the state hash;
/// version 1 snapshots restore with format 1 set at index 0. Version 3 writes sessions compactly: per session its id, the log
/// time since it was last active and its highest sequence as varints, then only the reply slots it actually holds (a varint
/// count, then per slot the distance below the highest sequence, code, reason and order id), so an idle session costs a few
/// bytes instead of a whole window of empty slots.
/// The layout written follows the entry format in force: version 1 while it is 1, version 2 while it is 2, version 3 from
/// entry format 3 on. A binary that reads only older snapshots thus keeps working in a mixed cluster during a rolling
/// upgrade, until the format is raised (which needs every member to report support for it).
/// The body is written in a canonical order (accounts by id, orders in book priority, client ids and sessions in expiry order),
/// never in hash-map order, so equal states give equal bytes.
/// </summary>
public sealed partial class ExchangeStateMachine
{
    /// <summary>The newest snapshot format this build writes and reads.</summary>
    public const ushort SnapshotVersion = 3;

    /// <summary>The oldest snapshot format this build still reads.</summary>
    public const ushort MinSnapshotVersion = 1;

    private static ReadOnlySpan<byte> SnapshotMagic => "RFXS"u8;

    /// <summary>Writes the whole state to a stream.</summary>
    public void WriteSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var version = WrittenSnapshotVersion;
        var body = SnapshotBody(version);
        Span<byte> header = stackalloc byte[14];
        SnapshotMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], version);
        BinaryPrimitives.WriteInt64LittleEndian(header[6..], body.Length);
        destination.Write(header);
        destination.Write(body);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, Checksum(body));
        destination.Write(trailer);
    }

    /// <summary>A 64-bit digest of the full state (the checksum of the canonical snapshot body).</summary>
    public ulong Digest() => Checksum(SnapshotBody(WrittenSnapshotVersion));

    /// <summary>The snapshot version <see cref="WriteSnapshot"/> writes for the current state: the entry format version in force (1, 2 or 3).</summary>
    public ushort WrittenSnapshotVersion => _entryFormatVersion switch
    {
        CommandCodec.FormatVersion => 1,
        CommandCodec.ChecksummedFormatVersion => 2,
        _ => SnapshotVersion,
    };

    /// <summary>Rebuilds a state machine from a snapshot; throws <see cref="SnapshotFormatException"/> if it is not a valid one.</summary>
    public static ExchangeStateMachine Restore(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> header = stackalloc byte[14];
        if (source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new SnapshotFormatException("snapshot truncated: header incomplete");
        }

        if (!header[..4].SequenceEqual(SnapshotMagic))
        {
            throw new SnapshotFormatException("not a Raftex exchange snapshot (bad magic)");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version is < MinSnapshotVersion or > SnapshotVersion)
        {
            throw new SnapshotFormatException($"unsupported snapshot version {version}; this build reads versions {MinSnapshotVersion} to {SnapshotVersion}");
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(header[6..]);
        if (length < 0 || length > int.MaxValue - 64)
        {
            throw new SnapshotFormatException($"snapshot body length {length} is invalid");
        }

        var body = new byte[length];
        Span<byte> trailer = stackalloc byte[8];
        if (source.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) < body.Length
            || source.ReadAtLeast(trailer, 8, throwOnEndOfStream: false) < 8)
        {
            throw new SnapshotFormatException("snapshot truncated");
        }

        var expected = BinaryPrimitives.ReadUInt64LittleEndian(trailer);
        var actual = Checksum(body);
        if (expected != actual)
        {
            throw new SnapshotFormatException($"snapshot checksum mismatch: stored {expected:x16}, computed {actual:x16}");
        }

        try
        {
            return FromBody(body, version);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or IndexOutOfRangeException or InvalidDataException or FormatException)
        {
            throw new SnapshotFormatException($"snapshot body is inconsistent: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads what a snapshot records about itself without rebuilding the state: its version, the log index it is at,
    /// the state hash there and the entry format in force. The checksum of the whole body is verified.
    /// </summary>
    /// <exception cref="SnapshotFormatException">The bytes are not a valid snapshot.</exception>
    public static SnapshotSummary ReadSummary(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length < 22 || !snapshot[..4].SequenceEqual(SnapshotMagic))
        {
            throw new SnapshotFormatException(snapshot.Length < 22 ? "snapshot truncated: header incomplete" : "not a Raftex exchange snapshot (bad magic)");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(snapshot[4..]);
        if (version is < MinSnapshotVersion or > SnapshotVersion)
        {
            throw new SnapshotFormatException($"unsupported snapshot version {version}; this build reads versions {MinSnapshotVersion} to {SnapshotVersion}");
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(snapshot[6..]);
        if (length < 0 || length != snapshot.Length - 22)
        {
            throw new SnapshotFormatException($"snapshot body length {length} does not match the {snapshot.Length - 22} bytes present");
        }

        var body = snapshot.Slice(14, (int)length);
        var expected = BinaryPrimitives.ReadUInt64LittleEndian(snapshot[^8..]);
        var computed = Checksum(body);
        if (computed != expected)
        {
            throw new SnapshotFormatException($"snapshot checksum mismatch: stored {expected:x16}, computed {computed:x16}");
        }

        return ReadBodySummary(version, body);
    }

    /// <summary>
    /// What a snapshot body of <paramref name="version"/> records about itself, read from its front (the configuration, then
    /// the log index, log time, state hash and entry format; the first few KB of a body). Its checksum is not checked here.
    /// </summary>
    /// <exception cref="SnapshotFormatException">The bytes do not hold a summary (cut short, or not a body).</exception>
    public static SnapshotSummary ReadBodySummary(ushort version, ReadOnlySpan<byte> bodyFront)
    {
        try
        {
            using var stream = new MemoryStream(bodyFront.ToArray(), writable: false);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            ReadConfig(r);
            var lastIndex = r.ReadInt64();
            r.ReadInt64();
            var stateHash = r.ReadUInt64();
            var format = version >= 2 ? r.ReadByte() : CommandCodec.FormatVersion;
            return new SnapshotSummary(version, lastIndex, stateHash, format);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException or FormatException)
        {
            throw new SnapshotFormatException($"snapshot body is inconsistent: {e.Message}", e);
        }
    }

    private static ulong Checksum(ReadOnlySpan<byte> body) => SnapshotChecksum.Of(body);

    private byte[] SnapshotBody(ushort version)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteConfig(w);
            w.Write(_lastIndex);
            w.Write(_logTime);
            w.Write(_stateHash);
            if (version >= 2)
            {
                w.Write(_entryFormatVersion);
                w.Write(_entryFormatIndex);
            }

            foreach (var s in _supply)
            {
                w.Write(s);
            }

            foreach (var book in _books)
            {
                w.Write(book.LastTradePrice);
                w.Write(book.Sequence);
            }

            var ids = Accounts();
            w.Write(ids.Count);
            foreach (var id in ids)
            {
                var a = _accountIndex.Get(id);
                w.Write(id);
                for (var asset = 0; asset < _assetCount; asset++)
                {
                    w.Write(_accountFree[(a * _assetCount) + asset]);
                    w.Write(_accountReserved[(a * _assetCount) + asset]);
                }
            }

            for (var i = 0; i < _books.Length; i++)
            {
                WriteSide(w, _books[i].Bids);
                WriteSide(w, _books[i].Asks);
            }

            w.Write(_expiryCount);
            for (var i = 0; i < _expiryCount; i++)
            {
                var item = _expiryQueue[(_expiryHead + i) & (_expiryQueue.Length - 1)];
                ref var e = ref _clientIds.At(_clientIds.Find(item.Account, item.ClientId));
                w.Write(e.Account);
                w.Write(e.ClientId);
                w.Write(e.OrderId);
                w.Write((byte)e.Code);
                w.Write((byte)e.Reason);
                w.Write(item.ExpiresAt);
            }

            w.Write(_sessionIndex.Count);
            for (var s = _sessionHead; s >= 0; s = _sessionNext[s])
            {
                if (version >= 3)
                {
                    WriteCompactSession(w, s);
                    continue;
                }

                w.Write(_sessionId[s]);
                w.Write(_sessionLastActive[s]);
                w.Write(_sessionHighest[s]);
                // The layout of versions 1 and 2: the whole window, slot k holding the sequence ≡ k (mod window) or empty.
                for (var k = 0; k < _sessionWindow; k++)
                {
                    var slot = WindowSlot(s, k);
                    w.Write(slot.Sequence);
                    w.Write((byte)slot.Code);
                    w.Write((byte)slot.Reason);
                    w.Write(slot.OrderId);
                }
            }
        }

        return stream.ToArray();
    }

    // Slots go in order of (sequence - 1) mod window, the same for a full-window cache (index k holds sequence ≡ k) and a
    // shorter one (index i & (length - 1) holds sequence i), so equal sessions give equal bytes whatever their cache length.
    private void WriteCompactSession(BinaryWriter w, int s)
    {
        var highest = _sessionHighest[s];
        w.Write7BitEncodedInt64(_sessionId[s]);
        w.Write7BitEncodedInt64(_logTime - _sessionLastActive[s]);
        w.Write7BitEncodedInt64(highest);
        if (_sessionSlots[s] is not { } cache)
        {
            w.Write7BitEncodedInt(0);
            return;
        }

        var held = 0;
        foreach (var slot in cache)
        {
            held += slot.Sequence != 0 ? 1 : 0;
        }

        w.Write7BitEncodedInt(held);
        for (var i = 1; i <= cache.Length; i++)
        {
            var slot = cache[i & (cache.Length - 1)];
            if (slot.Sequence != 0)
            {
                w.Write7BitEncodedInt64(highest - slot.Sequence);
                w.Write((byte)slot.Code);
                w.Write((byte)slot.Reason);
                w.Write7BitEncodedInt64(slot.OrderId);
            }
        }
    }

    private void ReadCompactSession(BinaryReader r)
    {
        var id = ReadVarint(r, "session id", 1, long.MaxValue);
        if (_sessionIndex.Get(id) >= 0)
        {
            throw new InvalidDataException($"session {id} is repeated");
        }

        var s = AllocateSession(id);
        _sessionLastActive[s] = _logTime - ReadVarint(r, "session idle time", 0, _logTime);
        var highest = _sessionHighest[s] = ReadVarint(r, "highest session sequence", 0, long.MaxValue);
        var held = r.Read7BitEncodedInt();
        if (held < 0 || held > Math.Min(highest, _sessionWindow))
        {
            throw new InvalidDataException($"session {_sessionId[s]} holds {held} reply slots; at most min(highest sequence {highest}, window {_sessionWindow}) fit");
        }

        for (var i = 0; i < held; i++)
        {
            var sequence = highest - ReadVarint(r, "reply slot distance", 0, highest - 1);
            var slot = new SessionSlot { Sequence = sequence, Code = (ResultCode)r.ReadByte(), Reason = (RejectReason)r.ReadByte(), OrderId = r.Read7BitEncodedInt64() };
            if (SlotFor(s, sequence).Sequence != 0)
            {
                throw new InvalidDataException($"session {_sessionId[s]} holds two reply slots at the position of sequence {sequence}");
            }

            StoreSlot(s, sequence, slot);
        }

        LinkSessionAtTail(s);
    }

    /// <summary>What a full window's slot <paramref name="k"/> would hold: the remembered result whose sequence ≡ k (mod window).</summary>
    private SessionSlot WindowSlot(int s, int k)
    {
        if (_sessionSlots[s] is not { } cache)
        {
            return default;
        }

        if (cache.Length == _sessionWindow)
        {
            return cache[k];
        }

        // A shorter cache holds only sequences 1..length (all below the window), each at its own position.
        var slot = k == 0 ? default : cache[k & (cache.Length - 1)];
        return slot.Sequence == k ? slot : default;
    }

    private void WriteConfig(BinaryWriter w)
    {
        w.Write(_config.Assets.Count);
        foreach (var asset in _config.Assets)
        {
            w.Write(asset);
        }

        w.Write(_config.Instruments.Count);
        foreach (var s in _config.Instruments)
        {
            w.Write(s.Symbol);
            w.Write(s.BaseAsset);
            w.Write(s.QuoteAsset);
            w.Write(s.TickSize);
            w.Write(s.LotSize);
            w.Write(s.MinQuantity);
            w.Write(s.MaxQuantity);
            w.Write(s.ReferencePrice);
            w.Write(s.BandBasisPoints);
            w.Write(s.MaxPrice);
        }

        w.Write(_config.SessionTimeout);
        w.Write(_config.SessionWindow);
        w.Write(_config.ClientIdRetention);
    }

    private void WriteSide(BinaryWriter w, BookSide side)
    {
        var count = 0;
        for (var p = 0; p < side.Count; p++)
        {
            count += _levels[side.Levels[p]].Count;
        }

        w.Write(count);
        for (var p = side.Count - 1; p >= 0; p--)
        {
            for (var o = _levels[side.Levels[p]].Head; o >= 0; o = _orders[o].Next)
            {
                ref var x = ref _orders[o];
                w.Write(x.OrderId);
                w.Write(x.Account);
                w.Write(x.ClientId);
                w.Write(x.Price);
                w.Write(x.Quantity);
                w.Write(x.Filled);
                w.Write(x.Open);
                w.Write((byte)x.TimeInForce);
                w.Write((byte)x.Stp);
            }
        }
    }

    private static ExchangeStateMachine FromBody(byte[] body, ushort version)
    {
        using var stream = new MemoryStream(body, writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var config = ReadConfig(r);
        var m = new ExchangeStateMachine(config);
        m._lastIndex = r.ReadInt64();
        m._logTime = r.ReadInt64();
        m._stateHash = r.ReadUInt64();
        if (version >= 2)
        {
            var format = r.ReadByte();
            if (!CommandCodec.Supports(format))
            {
                throw new InvalidDataException($"entry format version {format} is not supported by this build ({CommandCodec.MinFormatVersion}..{CommandCodec.MaxFormatVersion})");
            }

            m._entryFormatVersion = format;
            m._entryFormatIndex = r.ReadInt64();
            if (m._entryFormatIndex < 0 || m._entryFormatIndex > m._lastIndex)
            {
                throw new InvalidDataException($"entry format index {m._entryFormatIndex} is outside 0..{m._lastIndex}");
            }
        }
        for (var i = 0; i < m._assetCount; i++)
        {
            m._supply[i] = r.ReadInt64();
        }

        foreach (var book in m._books)
        {
            book.LastTradePrice = r.ReadInt64();
            book.Sequence = r.ReadInt64();
        }

        var accounts = ReadCount(r);
        for (var i = 0; i < accounts; i++)
        {
            var a = m.GetOrCreateAccount(r.ReadInt64());
            for (var asset = 0; asset < m._assetCount; asset++)
            {
                m._accountFree[(a * m._assetCount) + asset] = r.ReadInt64();
                m._accountReserved[(a * m._assetCount) + asset] = r.ReadInt64();
            }
        }

        for (var i = 0; i < m._books.Length; i++)
        {
            m.ReadSide(r, i, Side.Buy);
            m.ReadSide(r, i, Side.Sell);
        }

        var records = ReadCount(r);
        for (var i = 0; i < records; i++)
        {
            var account = r.ReadInt64();
            var clientId = r.ReadInt64();
            var orderId = r.ReadInt64();
            var code = (ResultCode)r.ReadByte();
            var reason = (RejectReason)r.ReadByte();
            var expiresAt = r.ReadInt64();
            if (account <= 0 || clientId <= 0 || m._clientIds.Find(account, clientId) >= 0)
            {
                throw new InvalidDataException($"client id ({account}, {clientId}) is invalid or repeated");
            }

            m.Remember(account, clientId, orderId, code, reason, expiresAt);
        }

        var sessions = ReadCount(r);
        for (var i = 0; i < sessions; i++)
        {
            if (version >= 3)
            {
                m.ReadCompactSession(r);
                continue;
            }

            var s = m.AllocateSession(r.ReadInt64());
            m._sessionLastActive[s] = r.ReadInt64();
            m._sessionHighest[s] = r.ReadInt64();
            for (var k = 0; k < m._sessionWindow; k++)
            {
                var slot = new SessionSlot { Sequence = r.ReadInt64(), Code = (ResultCode)r.ReadByte(), Reason = (RejectReason)r.ReadByte(), OrderId = r.ReadInt64() };
                if (slot.Sequence != 0)
                {
                    m.StoreSlot(s, slot.Sequence, slot);
                }
            }

            m.LinkSessionAtTail(s);
        }

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{stream.Length - stream.Position} unexpected bytes after the last section");
        }

        return m;
    }

    private void ReadSide(BinaryReader r, int instrument, Side side)
    {
        var book = _books[instrument];
        var count = ReadCount(r);
        for (var i = 0; i < count; i++)
        {
            var o = AllocateOrder();
            ref var x = ref _orders[o];
            x.OrderId = r.ReadInt64();
            x.Account = r.ReadInt64();
            x.ClientId = r.ReadInt64();
            x.Price = r.ReadInt64();
            x.Quantity = r.ReadInt64();
            x.Filled = r.ReadInt64();
            x.Open = r.ReadInt64();
            x.TimeInForce = (TimeInForce)r.ReadByte();
            x.Stp = (SelfTradePrevention)r.ReadByte();
            x.Side = side;
            x.Instrument = instrument;
            x.AccountIndex = _accountIndex.Get(x.Account);
            if (x.AccountIndex < 0 || x.Open <= 0 || x.OrderId <= 0 || _orderIndex.Get(x.OrderId) >= 0)
            {
                throw new InvalidDataException($"order {x.OrderId} is inconsistent (unknown account, empty or repeated)");
            }

            _orderIndex.Set(x.OrderId, o);
            Rest(book, o);
        }
    }

    private static ExchangeConfig ReadConfig(BinaryReader r)
    {
        var assets = new string[ReadCount(r)];
        for (var i = 0; i < assets.Length; i++)
        {
            assets[i] = r.ReadString();
        }

        var instruments = new InstrumentSpec[ReadCount(r)];
        for (var i = 0; i < instruments.Length; i++)
        {
            instruments[i] = new InstrumentSpec(
                r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        }

        return new ExchangeConfig(assets, instruments, r.ReadInt64(), r.ReadInt32(), r.ReadInt64());
    }

    private static long ReadVarint(BinaryReader r, string what, long min, long max)
    {
        var value = r.Read7BitEncodedInt64();
        if (value < min || value > max)
        {
            throw new InvalidDataException($"{what} {value} is outside {min}..{max}");
        }

        return value;
    }

    private static int ReadCount(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n < 0 || n > r.BaseStream.Length)
        {
            throw new InvalidDataException($"count {n} is out of range");
        }

        return n;
    }
}
