using System.Security.Cryptography;
using Google.Protobuf;
using Raftex.Exchange;
using OrderType = Raftex.Exchange.OrderType;
using SelfTradePrevention = Raftex.Exchange.SelfTradePrevention;
using Side = Raftex.Exchange.Side;
using TimeInForce = Raftex.Exchange.TimeInForce;
using Raftex.Protocol.V1;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Operator.Tests.Fakes;

/// <summary>
/// A real Raft snapshot file, as a node's StreamSnapshot serves it: a real exchange state (funded accounts, resting
/// orders on both sides) written by a real <see cref="SnapshotStore"/>. <see cref="CorruptChunkAt"/> makes one data
/// chunk differ from its SHA-256, as a damaged transfer would.
/// </summary>
internal sealed class FakeSnapshot
{
    private const int ChunkBytes = 4096;

    private FakeSnapshot(byte[] file, SnapshotMetadata metadata, ulong stateHash, uint exchangeVersion, string clusterId)
    {
        File = file;
        Metadata = metadata;
        StateHash = stateHash;
        ExchangeVersion = exchangeVersion;
        ClusterId = clusterId;
    }

    public byte[] File { get; }
    public SnapshotMetadata Metadata { get; }
    public ulong StateHash { get; }
    public uint ExchangeVersion { get; }
    public string ClusterId { get; }

    /// <summary>When set, the stream stops after its header and never ends (until the caller gives up).</summary>
    public bool HangAfterHeader { get; set; }

    /// <summary>When set, the data chunk with this number (0-based) is sent with one byte flipped after its hash was taken.</summary>
    public int? CorruptChunkAt { get; set; }

    /// <summary>Applies deposits and orders to a fresh engine up to <paramref name="index"/> and snapshots it at (index, term).</summary>
    public static FakeSnapshot Build(string clusterId, long index, long term, IReadOnlyList<long> voters, int accounts = 200)
    {
        var engine = new ExchangeStateMachine(new ExchangeConfig(
            ["BTC", "USD"],
            [new InstrumentSpec("BTC-USD", 0, 1, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 1_000_000, ReferencePrice: 1_000, BandBasisPoints: 0, MaxPrice: 1_000_000)],
            SessionTimeout: 1_000_000, SessionWindow: 8, ClientIdRetention: 1_000_000));
        var buffer = new byte[CommandCodec.MaxEntrySize];
        var result = new ApplyResult();
        var commands = accounts * 3;
        var logIndex = Math.Max(1, index - commands + 1);
        for (var account = 1L; account <= accounts; account++)
        {
            engine.Apply(logIndex++, buffer.AsSpan(0, CommandCodec.EncodeDeposit(buffer, 1_000 + logIndex, 0, 0, account, logIndex, 0, 1_000)), result);
            engine.Apply(logIndex++, buffer.AsSpan(0, CommandCodec.EncodeDeposit(buffer, 1_000 + logIndex, 0, 0, account, logIndex, 1, 1_000_000)), result);
            var side = account % 2 == 0 ? Side.Buy : Side.Sell;
            var price = side == Side.Buy ? 900 + account % 50 : 1_100 + account % 50;
            engine.Apply(logIndex++, buffer.AsSpan(0, CommandCodec.EncodePlace(buffer, 1_000 + logIndex, 0, 0, account, logIndex, 0, side, OrderType.Limit,
                TimeInForce.Gtc, SelfTradePrevention.CancelTaker, price, 1 + account % 7)), result);
        }

        using var state = new MemoryStream();
        engine.WriteSnapshot(state);
        var directory = Directory.CreateTempSubdirectory("raftex-fake-snap-");
        try
        {
            var metadata = new SnapshotMetadata(Math.Max(index, logIndex - 1), term, new ConfState(voters, []));
            var store = new SnapshotStore(directory.FullName);
            store.Save(new Snapshot(metadata, state.ToArray()));
            return new FakeSnapshot(System.IO.File.ReadAllBytes(store.PathOf(metadata)), metadata, engine.StateHash, engine.WrittenSnapshotVersion, clusterId);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The header and chunks a node with <paramref name="nodeId"/> streams.</summary>
    public IEnumerable<SnapshotChunk> Chunks(ulong nodeId)
    {
        var header = new SnapshotHeader
        {
            ClusterId = ClusterId,
            NodeId = nodeId,
            Index = (ulong)Metadata.Index,
            Term = (ulong)Metadata.Term,
            StateHash = StateHash,
            FileFormatVersion = SnapshotStore.CurrentVersion,
            ExchangeSnapshotVersion = ExchangeVersion,
            EntryFormatVersion = 1,
            Size = (ulong)File.Length,
        };
        header.Voters.AddRange(Metadata.ConfState.Voters.Select(v => (ulong)v));
        yield return new SnapshotChunk { Header = header };

        var whole = SHA256.HashData(File);
        for (int offset = 0, n = 0; offset < File.Length; offset += ChunkBytes, n++)
        {
            var data = File.AsSpan(offset, Math.Min(ChunkBytes, File.Length - offset)).ToArray();
            var sha = SHA256.HashData(data);
            if (CorruptChunkAt == n)
            {
                data[data.Length / 2] ^= 0x40;
            }

            var chunk = new SnapshotChunk { Data = ByteString.CopyFrom(data), Offset = (ulong)offset, Sha256 = ByteString.CopyFrom(sha) };
            if (offset + data.Length == File.Length)
            {
                chunk.FileSha256 = ByteString.CopyFrom(whole);
            }

            yield return chunk;
        }
    }
}
