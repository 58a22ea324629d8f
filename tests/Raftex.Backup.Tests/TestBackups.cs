using System.Buffers.Binary;
using System.Security.Cryptography;
using Raftex.Exchange;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Backup.Tests;

/// <summary>
/// Real backups for the tests: an exchange state machine that applied deposits and resting orders, its snapshot wrapped
/// in the Raft snapshot file <see cref="SnapshotStore"/> writes, and the manifest <see cref="BackupWriter"/> would write.
/// </summary>
internal static class TestBackups
{
    public static readonly IReadOnlyList<long> Voters = [1, 2, 3];

    /// <summary>Accounts of <see cref="Large"/>: enough for a file of several MiB (several S3 parts, several writer flushes).</summary>
    public const int LargeAccounts = 30_000;

    private static readonly Lazy<Built> LargeBackup = new(() => Make(LargeAccounts));

    private static readonly ExchangeConfig Config = new(
        ["BTC", "USD"],
        [new InstrumentSpec("BTC-USD", 0, 1, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 1_000_000, ReferencePrice: 1_000, BandBasisPoints: 0)],
        SessionTimeout: 1_000_000,
        SessionWindow: 8,
        ClientIdRetention: 1_000_000);

    /// <summary>A backup of <see cref="LargeAccounts"/> accounts, made once per test run.</summary>
    public static Built Large => LargeBackup.Value;

    /// <summary>A backup of an exchange with <paramref name="accounts"/> funded accounts, each with one bid and one ask resting.</summary>
    public static Built Make(int accounts, long term = 3)
    {
        var machine = Exchange(accounts);
        using var exchange = new MemoryStream();
        machine.WriteSnapshot(exchange);
        return Wrap(machine, exchange.ToArray(), term);
    }

    /// <summary>
    /// A backup whose exchange snapshot bytes were changed by <paramref name="damage"/> before being wrapped, so the Raft
    /// file, its size and its SHA-256 are all consistent and only the exchange state inside is wrong.
    /// </summary>
    public static Built MakeWithExchangeBytes(int accounts, Action<byte[]> damage)
    {
        var machine = Exchange(accounts);
        using var exchange = new MemoryStream();
        machine.WriteSnapshot(exchange);
        var bytes = exchange.ToArray();
        damage(bytes);
        return Wrap(machine, bytes, 3);
    }

    /// <summary>Offset of the exchange snapshot's u16 version inside its bytes ("RFXS" first).</summary>
    public const int ExchangeVersionOffset = 4;

    /// <summary>Offset of the Raft snapshot file's u32 version (after the u64 magic).</summary>
    public const int FileVersionOffset = 8;

    public static async Task WriteAsync(IBackupStore store, string name, Built backup, byte[]? data = null, byte[]? manifest = null)
    {
        await store.PutAsync(name, BackupManifest.DataFile, new MemoryStream(data ?? backup.Data), CancellationToken.None);
        await store.PutAsync(name, BackupManifest.FileName, new MemoryStream(manifest ?? backup.Manifest.ToJson()), CancellationToken.None);
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static ExchangeStateMachine Exchange(int accounts)
    {
        var machine = new ExchangeStateMachine(Config);
        var result = new ApplyResult();
        var entry = new byte[CommandCodec.MaxEntrySize];
        var time = 1_000L;
        void Apply(int length)
        {
            machine.Apply(machine.LastAppliedIndex + 1, entry.AsSpan(0, length), result);
            if (result.Code == ResultCode.Rejected)
            {
                throw new InvalidOperationException($"the test exchange refused entry {machine.LastAppliedIndex}: {result.Reason}");
            }
        }

        for (var account = 1L; account <= accounts; account++)
        {
            Apply(CommandCodec.EncodeDeposit(entry, time++, 0, 0, account, machine.LastAppliedIndex + 1, 0, 1_000));
            Apply(CommandCodec.EncodeDeposit(entry, time++, 0, 0, account, machine.LastAppliedIndex + 1, 1, 1_000_000));
            Apply(CommandCodec.EncodePlace(entry, time++, 0, 0, account, machine.LastAppliedIndex + 1, 0, Side.Buy, OrderType.Limit, TimeInForce.Gtc,
                SelfTradePrevention.CancelTaker, 500 - (account % 100), 1));
            Apply(CommandCodec.EncodePlace(entry, time++, 0, 0, account, machine.LastAppliedIndex + 1, 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc,
                SelfTradePrevention.CancelTaker, 1_500 + (account % 100), 1));
        }

        return machine;
    }

    private static Built Wrap(ExchangeStateMachine machine, byte[] exchange, long term)
    {
        var metadata = new SnapshotMetadata(machine.LastAppliedIndex, term, new ConfState(Voters, []));
        var directory = Directory.CreateTempSubdirectory("raftex-backup-test-").FullName;
        byte[] file;
        try
        {
            var snapshots = new SnapshotStore(directory);
            snapshots.Save(new Snapshot(metadata, exchange));
            file = File.ReadAllBytes(snapshots.PathOf(metadata));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        var manifest = new BackupManifest
        {
            ClusterId = "c-0123456789abcdef",
            NodeId = 2,
            Index = metadata.Index,
            Term = term,
            StateHash = BackupManifest.FormatHash(machine.StateHash),
            SnapshotFileFormatVersion = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(FileVersionOffset)),
            ExchangeSnapshotVersion = machine.WrittenSnapshotVersion,
            EntryFormatVersion = machine.EntryFormatVersion,
            Voters = Voters,
            Learners = [],
            CreatedAt = new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero),
            Size = file.Length,
            Sha256 = Sha256(file),
        };
        return new Built(manifest, file, machine.Digest());
    }

    public sealed record Built(BackupManifest Manifest, byte[] Data, ulong Digest);
}
