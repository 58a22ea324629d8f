using System.Globalization;
using Raftex.Exchange;

// Memory and snapshot bytes per idle order session, with the node's session settings (window 1024, timeout 10 min):
// N sessions registered and abandoned, either without a command or after one command each; the snapshot in the full-window
// layout (version 1, written while the entry format is 1) and in the compact one (version 3, from entry format 3 on).
const int Window = 1024;
var config = new ExchangeConfig(
    ["USD", "BTC"], [new InstrumentSpec("BTC-USD", 1, 0, 1, 1, 1, 1_000_000, 100_000, 0)], SessionTimeout: 600_000, SessionWindow: Window, ClientIdRetention: 3_600_000);
var result = new ApplyResult();
var entry = new byte[CommandCodec.HeaderSize + CommandCodec.PayloadSize(CommandType.Deposit)];

foreach (var sessions in new[] { 10_000, 100_000 })
{
    foreach (var commands in new[] { 0, 1 })
    {
        var empty = Measure(new ExchangeStateMachine(config));
        var machine = new ExchangeStateMachine(config);
        long index = 0;
        var ids = new long[sessions];
        for (var i = 0; i < sessions; i++)
        {
            CommandCodec.EncodeRegisterSession(entry, 1);
            machine.Apply(++index, entry.AsSpan(0, CommandCodec.HeaderSize), result);
            ids[i] = result.SessionId;
        }

        for (var i = 0; i < sessions && commands > 0; i++)
        {
            CommandCodec.EncodeDeposit(entry, 1, ids[i], 1, 1 + (i % 1000), 1 + i, 0, 1);
            machine.Apply(++index, entry, result);
        }

        var full = Measure(machine);
        GC.KeepAlive(machine);

        // The same state once the cluster has raised the entry format to 3: snapshot version 3, compact sessions.
        var raisedEmpty = new ExchangeStateMachine(config);
        RaiseToCompactSnapshots(raisedEmpty, 1);
        RaiseToCompactSnapshots(machine, ++index);
        var compact = SnapshotBytes(machine) - SnapshotBytes(raisedEmpty);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sessions={sessions} commands_each={commands} memory_bytes_per_session={(full.Memory - empty.Memory) / sessions} engine_session_bytes_per_session={machine.SessionBytes / sessions} snapshot_bytes_per_session_v1={(full.Snapshot - empty.Snapshot) / sessions} (full window of {Window} slots) snapshot_bytes_per_session_v{machine.WrittenSnapshotVersion}={compact / (double)sessions:F1} (compact, entry format {machine.EntryFormatVersion})"));
    }
}

void RaiseToCompactSnapshots(ExchangeStateMachine machine, long logIndex)
{
    var n = CommandCodec.EncodeSetEntryFormat(entry, 1, CommandCodec.CompactSnapshotFormatVersion);
    machine.Apply(logIndex, entry.AsSpan(0, n), result);
    if (result.Code != ResultCode.Accepted)
    {
        throw new InvalidOperationException($"raising the entry format was refused: {result.Reason}");
    }
}

static (long Memory, long Snapshot) Measure(ExchangeStateMachine machine) => (GC.GetTotalMemory(forceFullCollection: true), SnapshotBytes(machine));

static long SnapshotBytes(ExchangeStateMachine machine)
{
    using var stream = new MemoryStream();
    machine.WriteSnapshot(stream);
    return stream.Length;
}
