namespace Raftex.Exchange.Tests;

/// <summary>Entry format versions: the checksummed version 2, the leader's stamp, what a node must refuse to apply, and the replicated version itself.</summary>
public sealed class EntryFormatTests
{
    private static readonly ExchangeConfig Config = ExchangeDriver.DefaultConfig(retention: long.MaxValue / 4);

    /// <summary>
    /// A snapshot written by the build before entry format versions were replicated (snapshot version 1), of the state
    /// <see cref="ExchangeDriver.Busy"/> builds. Kept as bytes so that reading old snapshots is checked against what old binaries wrote.
    /// </summary>
    private const string SnapshotVersion1 =
        "UkZYUwEAhgMAAAAAAAADAAAAA0JUQwNVU0QDRVRIAgAAAAdCVEMtVVNEAAAAAAEAAAAFAAAAAAAAAAIAAAAAAAAAAgAAAAAAAADoAwAAAAAAAOgDAAAAAAAA"
        + "0AcAAAAAAABAQg8AAAAAAAdFVEgtVVNEAgAAAAEAAAABAAAAAAAAAAEAAAAAAAAAAQAAAAAAAAD/////////f2QAAAAAAAAAAAAAAAAAAABliGNd3EYDAEBC"
        + "DwAAAAAACAAAAEBCDwAAAAAACwAAAAAAAADoAwAAAAAAAGGGMDi5u1IegIQeAAAAAAAAlDV3AAAAAICEHgAAAAAA6AMAAAAAAAADAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAACAAAAAQAAAAAAAABCQg8AAAAAAAAAAAAAAAAAMMKaOwAAAAAAAAAAAAAAAEBCDwAAAAAAAAAAAAAAAAACAAAAAAAAADxCDwAAAAAAAgAAAAAA"
        + "AADQ0Zo7AAAAAAAAAAAAAAAAQEIPAAAAAAAAAAAAAAAAAAAAAAABAAAACgAAAAAAAAACAAAAAAAAAAoAAAAAAAAA6AMAAAAAAAAEAAAAAAAAAAIAAAAAAAAA"
        + "AgAAAAAAAAABAQAAAAAAAAAACAAAAAEAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAUAKEYPAAAAAAABAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAFAChGDwAAAAAA"
        + "AQAAAAAAAAADAAAAAAAAAAAAAAAAAAAABQAoRg8AAAAAAAIAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAUAKEYPAAAAAAACAAAAAAAAAAUAAAAAAAAAAAAAAAAA"
        + "AAAFAChGDwAAAAAAAgAAAAAAAAAGAAAAAAAAAAAAAAAAAAAABQAoRg8AAAAAAAIAAAAAAAAACgAAAAAAAAAKAAAAAAAAAAIAKEYPAAAAAAABAAAAAAAAAAsA"
        + "AAAAAAAACwAAAAAAAAACAChGDwAAAAAAAQAAAAcAAAAAAAAA6AMAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAgAKAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAMCGmq6P0r+N";

    private static byte[] Encoded(Command command)
    {
        var buffer = new byte[CommandCodec.MaxEntrySize];
        return buffer[..CommandCodec.Encode(buffer, in command)];
    }

    private static byte[] Snapshot(ExchangeStateMachine engine)
    {
        using var stream = new MemoryStream();
        engine.WriteSnapshot(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // The Castagnoli check value from the CRC catalogue, plus lengths that exercise the 8-, 4- and 1-byte steps.
        Assert.Equal(0xE3069283u, CommandCodec.Crc32C("123456789"u8));
        Assert.Equal(0u, CommandCodec.Crc32C([]));
        Assert.Equal(0x8A9136AAu, CommandCodec.Crc32C(new byte[32]));
    }

    [Theory]
    [MemberData(nameof(CommandCodecTests.Commands), MemberType = typeof(CommandCodecTests))]
    public void Every_command_round_trips_through_a_version_2_and_a_version_3_stamp(Command command)
    {
        foreach (var version in new[] { CommandCodec.ChecksummedFormatVersion, CommandCodec.CompactSnapshotFormatVersion })
        {
            var encoded = Encoded(command);
            var entry = CommandCodec.Stamp(encoded, version, time: 123_456);
            Assert.Equal(encoded.Length + CommandCodec.ChecksumSize, entry.Length);
            Assert.True(entry.Length <= CommandCodec.MaxStampedEntrySize);
            Assert.Equal(CommandCodec.Crc32C(entry.AsSpan(0, encoded.Length)), BitConverter.ToUInt32(entry, encoded.Length));
            Assert.True(CommandCodec.CanApply(entry, out var why), why);
            Assert.True(CommandCodec.TryDecode(entry, out var decoded, out var reason));
            Assert.Equal(RejectReason.None, reason);
            Assert.Equal(command with { Version = version, Time = 123_456 }, decoded);
        }
    }

    [Fact]
    public void A_version_1_stamp_rewrites_version_and_time_in_place()
    {
        var encoded = Encoded(new Command { Type = CommandType.Deposit, Account = 1, ClientId = 2, Asset = 0, Amount = 3 });
        encoded[0] = 0;
        var entry = CommandCodec.Stamp(encoded, 1, time: 77);
        Assert.Same(encoded, entry);
        Assert.True(CommandCodec.TryDecode(entry, out var decoded, out _));
        Assert.Equal(1, decoded.Version);
        Assert.Equal(77, decoded.Time);
    }

    [Fact]
    public void Stamping_an_unsupported_version_is_refused()
    {
        var encoded = Encoded(new Command { Type = CommandType.RegisterSession });
        Assert.Throws<ArgumentOutOfRangeException>(() => CommandCodec.Stamp(encoded, 4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommandCodec.Stamp(encoded, 0, 1));
    }

    [Fact]
    public void Every_single_bit_flip_in_a_version_2_entry_is_caught_before_applying()
    {
        var command = new Command
        {
            Type = CommandType.ReplaceOrder, Time = 5, Account = 1, ClientId = 2, OrigClientId = 3, OrderId = 4, Price = 5, Quantity = 6,
        };
        var entry = CommandCodec.Stamp(Encoded(command), CommandCodec.ChecksummedFormatVersion, 5);
        for (var bit = 0; bit < entry.Length * 8; bit++)
        {
            var damaged = (byte[])entry.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(CommandCodec.CanApply(damaged, out var reason), $"bit {bit} flipped went unnoticed");
            // A flip of the version byte to 3 (also checksummed) is caught by the checksum, which covers that byte too.
            var unsupported = !CommandCodec.Supports(damaged[0]);
            Assert.Contains(unsupported ? "not supported" : "checksum mismatch", reason, StringComparison.Ordinal);
            Assert.False(CommandCodec.TryDecode(damaged, out _, out var reject));
            Assert.Equal(unsupported ? RejectReason.UnsupportedVersion : RejectReason.ChecksumMismatch, reject);
        }
    }

    [Fact]
    public void A_node_refuses_unknown_versions_and_raises_it_cannot_honour_but_leaves_malformed_commands_to_the_engine()
    {
        var unknown = Encoded(new Command { Type = CommandType.RegisterSession });
        unknown[0] = 4;
        Assert.False(CommandCodec.CanApply(unknown, out var reason));
        Assert.Contains("format version 4 is not supported", reason, StringComparison.Ordinal);

        foreach (var version in new byte[] { 1, 2, 3 })
        {
            var raiseTo4 = CommandCodec.Stamp(Encoded(new Command { Type = CommandType.SetEntryFormat, EntryFormat = 4 }), version, 1);
            Assert.False(CommandCodec.CanApply(raiseTo4, out reason));
            Assert.Contains("raises the entry format to version 4", reason, StringComparison.Ordinal);
            foreach (var supported in new byte[] { 2, 3 })
            {
                var raise = CommandCodec.Stamp(Encoded(new Command { Type = CommandType.SetEntryFormat, EntryFormat = supported }), version, 1);
                Assert.True(CommandCodec.CanApply(raise, out _));
            }
        }

        // Same bytes on every replica give the same reject: these are the engine's to refuse, not reasons to stop.
        var unknownType = new byte[CommandCodec.HeaderSize];
        unknownType[0] = 1;
        unknownType[1] = 99;
        Assert.True(CommandCodec.CanApply(unknownType, out _));
        Assert.True(CommandCodec.CanApply([], out _));
        var shortV2 = CommandCodec.Stamp([9, 9, 9], CommandCodec.ChecksummedFormatVersion, 1);
        Assert.True(CommandCodec.CanApply(shortV2, out _));
        Assert.False(CommandCodec.TryDecode(shortV2, out _, out var reject));
        Assert.Equal(RejectReason.MalformedCommand, reject);
        Assert.False(CommandCodec.CanApply(new byte[] { 2, 0, 0, 0 }, out reason));
        Assert.Contains("too short", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stamping_input_too_short_for_a_header_never_throws_and_leaves_a_deterministic_reject()
    {
        byte[] empty = [];
        Assert.Same(empty, CommandCodec.Stamp(empty, 2, 1));
        foreach (var length in new[] { 1, 2, 9, 10, CommandCodec.HeaderSize - 1 })
        {
            foreach (var version in new byte[] { 1, 2 })
            {
                var entry = CommandCodec.Stamp(new byte[length], version, time: 3);
                Assert.Equal(version, entry[0]);
                Assert.True(CommandCodec.CanApply(entry, out var why), why);
                Assert.False(CommandCodec.TryDecode(entry, out _, out var reason));
                Assert.Equal(RejectReason.MalformedCommand, reason);
            }
        }
    }

    [Fact]
    public void The_engine_records_the_replicated_version_and_never_lowers_it()
    {
        var x = new ExchangeDriver();
        Assert.Equal(1, x.Engine.EntryFormatVersion);
        Assert.Equal(0, x.Engine.EntryFormatIndex);
        Assert.Equal(ResultCode.Accepted, x.SetEntryFormat(1).Code);
        Assert.Equal(1, x.Engine.EntryFormatVersion);
        Assert.Equal(0, x.Engine.EntryFormatIndex);
        Assert.Equal(RejectReason.UnsupportedEntryFormat, x.SetEntryFormat(0).Reason);
        Assert.Equal(RejectReason.UnsupportedEntryFormat, x.SetEntryFormat(4).Reason);
        Assert.Equal(1, x.Engine.EntryFormatVersion);
        Assert.Equal(ResultCode.Accepted, x.SetEntryFormat(2).Code);
        var raisedAt = x.Engine.LastAppliedIndex;
        Assert.Equal(2, x.Engine.EntryFormatVersion);
        Assert.Equal(raisedAt, x.Engine.EntryFormatIndex);

        // Repeating the version in force succeeds and keeps the index that set it (the Admin call is idempotent).
        Assert.Equal(ResultCode.Accepted, x.SetEntryFormat(2).Code);
        Assert.Equal(raisedAt, x.Engine.EntryFormatIndex);
        Assert.Equal(RejectReason.EntryFormatLowered, x.SetEntryFormat(1).Reason);
        Assert.Equal(2, x.Engine.EntryFormatVersion);
    }

    [Fact]
    public void A_raise_inside_a_client_session_is_malformed()
    {
        var x = new ExchangeDriver();
        var session = x.RegisterSession();
        // Encode writes no session for this type, so the session goes into the header by hand.
        var entry = Encoded(new Command { Type = CommandType.SetEntryFormat, EntryFormat = 2 });
        BitConverter.TryWriteBytes(entry.AsSpan(10), session);
        BitConverter.TryWriteBytes(entry.AsSpan(18), 1L);
        Assert.Equal(RejectReason.MalformedCommand, x.ApplyBytes(entry).Reason);
        Assert.Equal(1, x.Engine.EntryFormatVersion);
    }

    [Fact]
    public void Replicas_agree_on_the_state_hash_across_a_raise_and_the_raise_changes_it()
    {
        var a = ExchangeDriver.Busy(out _);
        var b = ExchangeDriver.Busy(out _);
        Assert.Equal(a.Engine.StateHash, b.Engine.StateHash);
        var before = a.Engine.StateHash;
        var digestBefore = a.Engine.Digest();
        a.SetEntryFormat(2);
        b.SetEntryFormat(2);
        Assert.Equal(a.Engine.StateHash, b.Engine.StateHash);
        Assert.Equal(a.Engine.Digest(), b.Engine.Digest());
        Assert.NotEqual(before, a.Engine.StateHash);
        Assert.NotEqual(digestBefore, a.Engine.Digest());
    }

    [Fact]
    public void Commands_stamped_in_version_2_give_the_same_outcomes_books_and_balances_as_version_1()
    {
        CommandStreams.ForEachSeed(CommandStreams.Stream, 40, (seed, commands) =>
        {
            var v1 = new ExchangeDriver(Config);
            var v2 = new ExchangeDriver(Config);
            Assert.Equal(ResultCode.Accepted, v2.SetEntryFormat(2).Code);
            v1.SetEntryFormat(1);
            for (var i = 0; i < commands.Length; i++)
            {
                // Mixed versions after the raise are fine: a leader that had not yet applied the raise still writes version 1.
                var version = (byte)(i % 5 == 0 ? 1 : 2);
                var expected = v1.ApplyStamped(commands[i], 1);
                var actual = v2.ApplyStamped(commands[i], version);
                Assert.True(expected.Describe() == actual.Describe(), $"command {i}: v1 {expected.Describe()} v{version} {actual.Describe()}");
            }

            Assert.Equal(v1.Engine.Accounts(), v2.Engine.Accounts());
            foreach (var account in v1.Engine.Accounts())
            {
                for (var asset = 0; asset < Config.Assets.Count; asset++)
                {
                    Assert.Equal(v1.Balance(account, asset), v2.Balance(account, asset));
                }
            }

            for (var i = 0; i < Config.Instruments.Count; i++)
            {
                Assert.Equal(v1.Engine.Orders(i, Side.Buy), v2.Engine.Orders(i, Side.Buy));
                Assert.Equal(v1.Engine.Orders(i, Side.Sell), v2.Engine.Orders(i, Side.Sell));
            }
        });
    }

    [Fact]
    public void A_snapshot_written_by_the_previous_build_restores_with_format_1_and_continues_identically()
    {
        var old = Convert.FromBase64String(SnapshotVersion1);
        Assert.Equal(1, BitConverter.ToUInt16(old, 4));
        var restored = new ExchangeDriver(ExchangeStateMachine.Restore(new MemoryStream(old)));
        var replayed = ExchangeDriver.Busy(out _);
        Assert.Equal(1, restored.Engine.EntryFormatVersion);
        Assert.Equal(replayed.Engine.StateHash, restored.Engine.StateHash);
        Assert.Equal(replayed.Engine.LastAppliedIndex, restored.Engine.LastAppliedIndex);
        Assert.Equal(replayed.Engine.Digest(), restored.Engine.Digest());

        // While the format is 1 this build still writes the old layout, byte for byte, so old binaries can read it.
        Assert.Equal(old, Snapshot(replayed.Engine));

        restored.SetEntryFormat(2);
        replayed.SetEntryFormat(2);
        Assert.Equal(replayed.Limit(1, Side.Buy, 1000, 2).Describe(), restored.Limit(1, Side.Buy, 1000, 2).Describe());
        Assert.Equal(replayed.Engine.StateHash, restored.Engine.StateHash);
        Assert.Equal(2, restored.Engine.EntryFormatVersion);
    }

    [Fact]
    public void A_raised_format_is_written_in_snapshot_version_2_and_restored()
    {
        var x = ExchangeDriver.Busy(out _);
        Assert.Equal(1, x.Engine.WrittenSnapshotVersion);
        x.SetEntryFormat(2);
        Assert.Equal(2, x.Engine.WrittenSnapshotVersion);
        var bytes = Snapshot(x.Engine);
        Assert.Equal(2, BitConverter.ToUInt16(bytes, 4));
        var copy = ExchangeStateMachine.Restore(new MemoryStream(bytes));
        Assert.Equal(2, copy.EntryFormatVersion);
        Assert.Equal(x.Engine.EntryFormatIndex, copy.EntryFormatIndex);
        Assert.NotEqual(0, copy.EntryFormatIndex);
        Assert.Equal(x.Engine.StateHash, copy.StateHash);
        Assert.Equal(x.Engine.Digest(), copy.Digest());
        Assert.Equal(bytes, Snapshot(copy));
        Assert.Equal(RejectReason.EntryFormatLowered, new ExchangeDriver(copy).SetEntryFormat(1).Reason);
    }

    [Fact]
    public void A_snapshot_claiming_a_newer_version_is_refused_naming_the_versions_read()
    {
        var bytes = Snapshot(ExchangeDriver.Busy(out _).Engine);
        bytes[4] = 4;
        var e = Assert.Throws<SnapshotFormatException>(() => ExchangeStateMachine.Restore(new MemoryStream(bytes)));
        Assert.Contains("version 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 to 3", e.Message, StringComparison.Ordinal);
    }
}
