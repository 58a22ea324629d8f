using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Exchange;
using Raftex.Protocol.V1;
using Raftex.Raft;

namespace Raftex.Node.Tests;

/// <summary>The apply loop and entry format versions: what it applies, what makes it stop, and what it publishes.</summary>
public sealed class ApplierTests : IDisposable
{
    private static readonly ExchangeConfig Config = new(
        ["BTC", "USD"],
        [new InstrumentSpec("BTC-USD", 0, 1, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 1_000, ReferencePrice: 100, BandBasisPoints: 0, MaxPrice: 1_000_000)],
        SessionTimeout: 1_000_000,
        SessionWindow: 8,
        ClientIdRetention: 1_000_000);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, (long Term, ProposalWaiter Waiter)> _pending = new();
    private readonly NodeMetrics _metrics = new();
    private readonly Applier _applier;

    public ApplierTests()
    {
        _applier = new Applier(
            Config, new ExchangeStateMachine(Config), applied: 0, new ConfState([1], []), checkpointInterval: 2, snapshotThreshold: long.MaxValue,
            _pending, (_, _, _) => { }, _metrics, NullLogger.Instance);
        _applier.Start();
    }

    public void Dispose()
    {
        _applier.Stop();
        _metrics.Dispose();
    }

    private static byte[] Deposit(long account, long txId, long amount, byte version)
    {
        var buffer = new byte[CommandCodec.MaxEntrySize];
        var n = CommandCodec.EncodeDeposit(buffer, 0, 0, 0, account, txId, 1, amount);
        return CommandCodec.Stamp(buffer[..n], version, time: 1_000 + txId);
    }

    private static byte[] Raise(byte to, byte version)
    {
        var buffer = new byte[CommandCodec.HeaderSize + CommandCodec.SetEntryFormatPayloadSize];
        CommandCodec.EncodeSetEntryFormat(buffer, 0, to);
        return CommandCodec.Stamp(buffer, version, time: 5);
    }

    private static Entry Normal(long index, byte[] data) => new(index, 1, EntryType.Normal, data);

    private TaskWaiter Pending(long index)
    {
        var waiter = new TaskWaiter();
        _pending[index] = (1, waiter);
        return waiter;
    }

    /// <summary>Waits (on the apply thread's own signal) until the applier has applied <paramref name="index"/> or halted.</summary>
    private async Task<string?> AppliedOrHalted(long index)
    {
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _applier.EnqueueRead(index, (machine, halted) => done.TrySetResult(machine is null ? halted : null));
        return await done.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Version_1_and_2_entries_apply_to_the_same_state_as_the_engine_alone()
    {
        var entries = new[]
        {
            Normal(1, Deposit(7, 1, 100, 1)),
            Normal(2, Raise(2, 1)),
            Normal(3, Deposit(7, 2, 50, 2)),
            Normal(4, Deposit(8, 3, 25, 1)),
            Normal(5, Deposit(8, 4, 5, 2)),
        };
        var reference = new ExchangeStateMachine(Config);
        var result = new ApplyResult();
        var hashes = new List<ulong>();
        foreach (var e in entries)
        {
            reference.Apply(e.Index, e.Data.Span, result);
            hashes.Add(reference.StateHash);
        }

        var waiter = Pending(5);
        _applier.Enqueue(entries, []);
        Assert.Null(await AppliedOrHalted(5));
        Assert.Equal(5, _applier.Applied);
        Assert.Equal(reference.StateHash, _applier.StateHash);
        Assert.Equal(new AppliedEntryFormat(2, 2), _applier.EntryFormat);
        var reply = await waiter.Task.WaitAsync(Deadline);
        Assert.Equal(Outcome.Deposited, reply.Outcome);
        Assert.Equal(5ul, reply.LogIndex);
        Assert.Equal([2ul, 4ul], _applier.Checkpoints().Select(c => c.Index));
        Assert.Equal([hashes[1], hashes[3]], _applier.Checkpoints().Select(c => c.StateHash));
    }

    [Fact]
    public async Task A_damaged_version_2_entry_stops_applying_before_it_and_fails_what_follows()
    {
        var damaged = Deposit(7, 2, 50, 2);
        damaged[30] ^= 0x04;
        var atDamage = Pending(2);
        var after = Pending(3);
        _applier.Enqueue([Normal(1, Deposit(7, 1, 100, 2)), Normal(2, damaged), Normal(3, Deposit(7, 3, 1, 2))], []);

        var halted = await AppliedOrHalted(3);
        Assert.NotNull(halted);
        Assert.Contains("entry 2 cannot be applied", halted, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", halted, StringComparison.Ordinal);
        Assert.Equal(halted, _applier.Halted);
        Assert.Equal(1, _applier.Applied);
        var refused = await Assert.ThrowsAsync<RpcException>(() => atDamage.Task.WaitAsync(Deadline));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => after.Task.WaitAsync(Deadline))).StatusCode);

        // The undamaged copy applies on a replica that holds it: the halted one must not have rejected and moved on.
        var healthy = new ExchangeStateMachine(Config);
        var result = new ApplyResult();
        healthy.Apply(1, Deposit(7, 1, 100, 2), result);
        Assert.Equal(healthy.StateHash, _applier.StateHash);
        healthy.Apply(2, Deposit(7, 2, 50, 2), result);
        Assert.Equal(ResultCode.Deposited, result.Code);
    }

    [Fact]
    public async Task An_entry_of_an_unknown_format_version_stops_applying_with_the_version_named()
    {
        var future = Deposit(7, 1, 100, 1);
        future[0] = 4;
        _applier.Enqueue([Normal(1, future)], []);
        var halted = await AppliedOrHalted(1);
        Assert.NotNull(halted);
        Assert.Contains("entry 1 cannot be applied: format version 4 is not supported", halted, StringComparison.Ordinal);
        Assert.Equal(0, _applier.Applied);
    }

    [Fact]
    public async Task A_raise_to_a_version_this_binary_cannot_apply_stops_applying()
    {
        _applier.Enqueue([Normal(1, Raise(2, 1)), Normal(2, Raise(4, 2))], []);
        var halted = await AppliedOrHalted(2);
        Assert.NotNull(halted);
        Assert.Contains("entry 2 cannot be applied", halted, StringComparison.Ordinal);
        Assert.Contains("raises the entry format to version 4", halted, StringComparison.Ordinal);
        Assert.Equal(1, _applier.Applied);
        Assert.Equal(new AppliedEntryFormat(2, 1), _applier.EntryFormat);
    }

    [Fact]
    public async Task Malformed_commands_are_rejected_alike_on_every_replica_and_applying_goes_on()
    {
        var waiter = Pending(1);
        _applier.Enqueue([Normal(1, CommandCodec.Stamp([4, 4, 4], 2, 1)), Normal(2, Deposit(7, 1, 100, 2))], []);
        Assert.Null(await AppliedOrHalted(2));
        Assert.Null(_applier.Halted);
        var reply = await waiter.Task.WaitAsync(Deadline);
        Assert.Equal(Outcome.Rejected, reply.Outcome);
        Assert.Equal((uint)RejectReason.MalformedCommand, reply.RejectReason);
    }
}
