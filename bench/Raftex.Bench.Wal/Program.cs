using System.Globalization;
using Raftex.Bench.Wal;
using Raftex.Raft.Storage;

// WAL group-commit benchmark: N producers, each awaiting its own durable 256-byte append, for a fixed time.
// Usage: dotnet run -c Release [-- --seconds S --producers 1,16,64,256 --preallocate BYTES]
// (--preallocate 0 turns segment preallocation off, to see what growing the file on every sync costs.)
var seconds = 3.0;
var options = new WalOptions();
int[] settings = [1, 16, 64, 256];
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--seconds")
    {
        seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--producers")
    {
        settings = args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }
    else if (args[i] == "--preallocate")
    {
        options = options with { PreallocationSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture) };
    }
}

const int EntryBytes = 256;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"WAL group commit, {EntryBytes}-byte entries, fdatasync per batch, {seconds:0.#} s per setting, preallocation {options.PreallocationSize} bytes, temp dir {Path.GetTempPath()}"));

// Warm up the JIT and the file system path so the first setting is not penalised.
await WalRun.RunAsync(8, TimeSpan.FromSeconds(0.5), EntryBytes, options);

Console.WriteLine($"{"producers",9} {"appends/s",11} {"fsyncs/s",9} {"avg batch",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
WalRunResult? last = null;
foreach (var producers in settings)
{
    var result = await WalRun.RunAsync(producers, TimeSpan.FromSeconds(seconds), EntryBytes, options);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result.Producers,9} {result.AppendsPerSecond,11:0} {result.FsyncsPerSecond,9:0} {result.AverageBatch,9:0.0} {result.P50Ms,8:0.00} {result.P99Ms,8:0.00} {result.MaxMs,8:0.00}"));
    last = result;
}

if (last is not null)
{
    var (entries, bytes, replaySeconds) = last.Recovery;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"recovery after the {last.Producers}-producer run: {entries} entries, {bytes / (1024.0 * 1024):0.0} MiB replayed in {replaySeconds * 1000:0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"wal: appends_per_sec={last.AppendsPerSecond:0} fsyncs_per_sec={last.FsyncsPerSecond:0} avg_batch={last.AverageBatch:0.0}"));
}
