using System.Diagnostics;
using System.Globalization;
using Raftex.Backup;
using Raftex.Bench.Backup;
using Raftex.Exchange;

// make bench-backup: a 3-node cluster on 127.0.0.1 (fsync on) loaded with BENCH_ORDERS resting orders (default 1,000,000)
// over BENCH_ACCOUNTS accounts (default 100,000); then backup throughput from a follower to a filesystem store and to
// s3rver, restore throughput (verify, and a node bootstrapped from each backup until ready), and order throughput over
// BENCH_SECONDS (default 15) with and without backups running back to back; then BENCH_ALTERNATIONS (default 4) pairs of
// windows, one while ONE backup runs and one as long without, each with the leader's WAL fsync mean.
// BENCH_BACKUP_MIBPS paces the writer (BackupWriterOptions.BytesPerSecond, in MiB/s; 0 = no limit; default the writer's default).
var inv = CultureInfo.InvariantCulture;
var orders = Setting("BENCH_ORDERS", 1_000_000);
var accounts = Setting("BENCH_ACCOUNTS", 100_000);
var seconds = Setting("BENCH_SECONDS", 15);
var alternations = Setting("BENCH_ALTERNATIONS", 4);
var pace = Environment.GetEnvironmentVariable("BENCH_BACKUP_MIBPS") is { } mibps
    ? new BackupWriterOptions { BytesPerSecond = int.TryParse(mibps, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? (m == 0 ? null : (long)m << 20) : throw new ArgumentException($"BENCH_BACKUP_MIBPS='{mibps}' is not a whole number") }
    : BackupWriterOptions.Default;
const double MiB = 1 << 20;

var work = Directory.CreateTempSubdirectory("raftex-bench-backup-stores-").FullName;
await using var s3 = await S3Server.StartAsync("raftex-bench");
using var nodes = new NodeProcesses();
try
{
    nodes.StartCluster();
    var (leader, follower) = await nodes.LeaderAndFollowerAsync(TimeSpan.FromSeconds(60));
    Console.WriteLine($"cluster: 3 nodes up ({nodes.Binary}), leader {leader}; backups are taken on follower {follower}");
    Console.WriteLine(pace.BytesPerSecond is { } limit ? string.Format(inv, "writer pace: {0:F0} MiB/s", limit / MiB) : "writer pace: no limit");
    var all = nodes.ClientAddresses(1, 2, 3);

    var t0 = Stopwatch.GetTimestamp();
    await Loader.DepositAsync(all, accounts);
    var depositTime = Stopwatch.GetElapsedTime(t0);
    Console.WriteLine(string.Format(inv, "load: {0:N0} deposits in {1:F1} s ({2:F0}/s)", accounts, depositTime.TotalSeconds, accounts / depositTime.TotalSeconds));
    t0 = Stopwatch.GetTimestamp();
    await Loader.PlaceRestingAsync(all, orders, accounts);
    var orderTime = Stopwatch.GetElapsedTime(t0);
    Console.WriteLine(string.Format(inv, "load: {0:N0} resting orders in {1:F1} s ({2:F0}/s)", orders, orderTime.TotalSeconds, orders / orderTime.TotalSeconds));

    var leaderStatus = await nodes.StatusAsync(leader) ?? throw new InvalidOperationException($"leader {leader} does not answer");
    await nodes.WaitReadyAsync(follower, (long)leaderStatus.CommitIndex, TimeSpan.FromSeconds(120));

    var fs = new FilesystemBackupStore(Path.Combine(work, "fs"));
    var s3Options = new S3StoreOptions
    {
        Bucket = s3.Bucket, Prefix = "bench", Endpoint = s3.Endpoint, ForcePathStyle = true,
        AccessKeyId = S3Server.AccessKeyId, SecretAccessKey = S3Server.SecretAccessKey,
    };
    using var s3Store = new S3BackupStore(s3Options);

    // --- backup: the follower takes a snapshot and streams it; the writer pipes it into the store, writes the manifest last, reads it back and checks it ---
    var (fsBackup, fsBackupTime) = await TimedAsync(() => BackupWriter.WriteAsync(nodes.AdminStub(follower), fs, "b-fs", null, TimeProvider.System, pace, CancellationToken.None));
    var size = fsBackup.Manifest.Size;
    Console.WriteLine(string.Format(inv, "backup to filesystem: {0:F1} MiB at index {1} in {2:F2} s: {3:F1} MiB/s (stream piped into the store + read-back check)",
        size / MiB, fsBackup.Manifest.Index, fsBackupTime.TotalSeconds, size / MiB / fsBackupTime.TotalSeconds));
    await nodes.WaitReadyAsync(follower, await Loader.NudgeAsync(all, accounts + 1), TimeSpan.FromSeconds(60));
    var (s3Backup, s3BackupTime) = await TimedAsync(() => BackupWriter.WriteAsync(nodes.AdminStub(follower), s3Store, "b-s3", null, TimeProvider.System, pace, CancellationToken.None));
    Console.WriteLine(string.Format(inv, "backup to S3 (s3rver): {0:F1} MiB at index {1} in {2:F2} s: {3:F1} MiB/s (stream piped into a multipart upload + read-back check)",
        s3Backup.Manifest.Size / MiB, s3Backup.Manifest.Index, s3BackupTime.TotalSeconds, s3Backup.Manifest.Size / MiB / s3BackupTime.TotalSeconds));

    // --- the writer's read-back check alone (streaming, no state rebuilt), then every check of the verifier as a restore runs it ---
    var (_, fsCheckTime) = await TimedAsync(() => BackupVerifier.CheckAsync(fs, "b-fs", CancellationToken.None));
    Console.WriteLine(string.Format(inv, "read-back check (BackupVerifier.CheckAsync) from the filesystem: {0:F2} s ({1:F1} MiB/s)", fsCheckTime.TotalSeconds, size / MiB / fsCheckTime.TotalSeconds));
    var (verified, fsVerifyTime) = await TimedAsync(() => BackupVerifier.VerifyAsync(fs, "b-fs", CancellationToken.None));
    var (_, s3VerifyTime) = await TimedAsync(() => BackupVerifier.VerifyAsync(s3Store, "b-s3", CancellationToken.None));
    Console.WriteLine(string.Format(inv, "verify: filesystem {0:F2} s ({1:F1} MiB/s), S3 {2:F2} s ({3:F1} MiB/s)",
        fsVerifyTime.TotalSeconds, size / MiB / fsVerifyTime.TotalSeconds, s3VerifyTime.TotalSeconds, s3Backup.Manifest.Size / MiB / s3VerifyTime.TotalSeconds));

    var (machine, decodeTime) = await TimedAsync(() => Task.FromResult(ExchangeStateMachine.Restore(new MemoryStream(verified.Snapshot.Data.ToArray(), writable: false))));
    var (_, digestTime) = await TimedAsync(() => Task.FromResult(machine.Digest()));
    Console.WriteLine(string.Format(inv, "verify's share of the exchange: decoding the state {0:F2} s, its digest {1:F2} s (the rest is reading, SHA-256 and the Raft file's CRC32C)",
        decodeTime.TotalSeconds, digestTime.TotalSeconds));

    // --- order throughput with and without backups running (backups to the filesystem store, from the follower) ---
    var load = OrderLoad.Start(all, accounts, firstClientOrderId: 1_000_000);
    await Task.Delay(TimeSpan.FromSeconds(3));
    load.Reset();
    var fsyncBefore = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var quiet = load.Rate();
    var quietErrors = load.Errors;
    var fsyncQuiet = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");
    load.Reset();
    var backups = 0;
    var backupBusy = TimeSpan.Zero;
    var window = Stopwatch.StartNew();
    while (window.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        var name = $"under-load-{backups}";
        var (_, took) = await TimedAsync(() => BackupWriter.WriteAsync(nodes.AdminStub(follower), fs, name, null, TimeProvider.System, pace, CancellationToken.None));
        await fs.DeleteAsync(name, CancellationToken.None);
        backups++;
        backupBusy += took;
    }

    var busy = load.Rate();
    var busyErrors = load.Errors;
    var fsyncBusy = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");

    // --- the realistic case: ONE backup runs over a window, then an equal window without one; several alternations ---
    var pairs = new List<(double With, double Without, double FsyncWith, double FsyncWithout, TimeSpan Window, long Errors)>();
    var snapshotOnly = new List<(double Rate, double Fsync, TimeSpan Window)>();
    for (var i = 0; i < alternations; i++)
    {
        var fsyncStart = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");
        load.Reset();
        var name = $"one-{i}";
        var (_, took) = await TimedAsync(() => BackupWriter.WriteAsync(nodes.AdminStub(follower), fs, name, null, TimeProvider.System, pace, CancellationToken.None));
        var with = load.Rate();
        var withErrors = load.Errors;
        var fsyncMid = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");
        await fs.DeleteAsync(name, CancellationToken.None);
        load.Reset();
        await Task.Delay(took);
        var without = load.Rate();
        var fsyncEnd = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");
        pairs.Add((with.PerSecond, without.PerSecond, MeanMs(fsyncStart, fsyncMid), MeanMs(fsyncMid, fsyncEnd), took, withErrors + load.Errors));

        // Where the cost lies: the member's own part alone (it takes a snapshot; nothing is streamed or stored).
        load.Reset();
        var (_, snapshotTook) = await TimedAsync(async () => await nodes.AdminStub(follower).TakeSnapshotAsync(new Raftex.Protocol.V1.TakeSnapshotRequest()));
        var snapshotRate = load.Rate();
        var fsyncSnapshot = await nodes.HistogramAsync(leader, "raftex_wal_fsync_seconds");
        snapshotOnly.Add((snapshotRate.PerSecond, MeanMs(fsyncEnd, fsyncSnapshot), snapshotTook));
        Console.WriteLine(string.Format(inv,
            "one backup, pair {0}: {1:F2} s window; orders/s {2:F0} with the backup, {3:F0} without: ratio {4:F3}; leader WAL fsync mean {5:F2} ms with, {6:F2} ms without; " +
            "the follower's snapshot alone: {7:F2} s, {8:F0} orders/s ({9:F3} of without), fsync mean {10:F2} ms",
            i + 1, took.TotalSeconds, with.PerSecond, without.PerSecond, with.PerSecond / without.PerSecond, pairs[^1].FsyncWith, pairs[^1].FsyncWithout,
            snapshotTook.TotalSeconds, snapshotRate.PerSecond, snapshotRate.PerSecond / without.PerSecond, snapshotOnly[^1].Fsync));
    }

    await load.StopAsync();

    // --- where a backup's time goes: the member's snapshot and stream alone, drained without a store or a read-back ---
    await nodes.WaitReadyAsync(follower, await Loader.NudgeAsync(all, accounts + 2), TimeSpan.FromSeconds(60));
    var (streamed, streamTime) = await TimedAsync(() => DrainSnapshotAsync(follower));
    Console.WriteLine(string.Format(inv, "stream only (follower takes a snapshot and streams it; nothing stored or verified): {0:F1} MiB in {1:F2} s: {2:F1} MiB/s",
        streamed / MiB, streamTime.TotalSeconds, streamed / MiB / streamTime.TotalSeconds));

    Console.WriteLine(string.Format(inv, "orders without a backup: {0:F0} orders/s over {1:F1} s ({2:N0} commands, {3} errors)",
        quiet.PerSecond, quiet.Window.TotalSeconds, quiet.Completed, quietErrors));
    Console.WriteLine(string.Format(inv, "orders with backups running: {0:F0} orders/s over {1:F1} s ({2:N0} commands, {3} errors); {4} backups back to back, {5:F2} s each",
        busy.PerSecond, busy.Window.TotalSeconds, busy.Completed, busyErrors, backups, backupBusy.TotalSeconds / backups));
    Console.WriteLine(string.Format(inv, "orders with/without backups back to back: {0:F3}; leader WAL fsync mean {1:F2} ms without, {2:F2} ms with backups running",
        busy.PerSecond / quiet.PerSecond, MeanMs(fsyncBefore, fsyncQuiet), MeanMs(fsyncQuiet, fsyncBusy)));
    var oneRatio = pairs.Count == 0 ? double.NaN : pairs.Sum(p => p.With * p.Window.TotalSeconds) / pairs.Sum(p => p.Without * p.Window.TotalSeconds);
    Console.WriteLine(string.Format(inv,
        "orders with/without ONE backup ({0} pairs of equal windows, {1:F2} s mean): {2:F3} (pairs {3}); leader WAL fsync mean {4:F2} ms with, {5:F2} ms without; {6} errors",
        pairs.Count, pairs.Count == 0 ? 0 : pairs.Average(p => p.Window.TotalSeconds), oneRatio,
        string.Join(' ', pairs.Select(p => (p.With / p.Without).ToString("F3", inv))), pairs.Count == 0 ? double.NaN : pairs.Average(p => p.FsyncWith),
        pairs.Count == 0 ? double.NaN : pairs.Average(p => p.FsyncWithout), pairs.Sum(p => p.Errors)));
    Console.WriteLine(string.Format(inv,
        "orders with/without the follower taking a snapshot alone (no stream, no store): {0:F3} over {1:F2} s mean; leader WAL fsync mean {2:F2} ms",
        snapshotOnly.Count == 0 ? double.NaN : snapshotOnly.Sum(p => p.Rate * p.Window.TotalSeconds) / snapshotOnly.Sum(p => p.Window.TotalSeconds) / (pairs.Sum(p => p.Without * p.Window.TotalSeconds) / pairs.Sum(p => p.Window.TotalSeconds)),
        snapshotOnly.Count == 0 ? 0 : snapshotOnly.Average(p => p.Window.TotalSeconds), snapshotOnly.Count == 0 ? double.NaN : snapshotOnly.Average(p => p.Fsync)));

    // --- restore: a single-voter cluster from each backup; time from process start to ready with the backup's index applied ---
    var fsRestore = await RestoreAsync(4, fs.Location, "b-fs", fsBackup.Manifest.Index, null);
    var s3Restore = await RestoreAsync(5, s3.LocationFor("bench"), "latest", s3Backup.Manifest.Index, new Dictionary<string, string>
    {
        [S3StoreOptions.AccessKeyIdVariable] = S3Server.AccessKeyId,
        [S3StoreOptions.SecretAccessKeyVariable] = S3Server.SecretAccessKey,
    });
    Console.WriteLine(string.Format(inv,
        "restore: node ready from the filesystem backup in {0:F2} s ({1:F1} MiB/s; backup verified by the node after {2:F2} s), from S3 (latest) in {3:F2} s ({4:F1} MiB/s; verified after {5:F2} s)",
        fsRestore.Ready.TotalSeconds, size / MiB / fsRestore.Ready.TotalSeconds, fsRestore.Verified.TotalSeconds,
        s3Restore.Ready.TotalSeconds, s3Backup.Manifest.Size / MiB / s3Restore.Ready.TotalSeconds, s3Restore.Verified.TotalSeconds));

    Console.WriteLine(string.Format(inv,
        "bench-backup: orders={0} accounts={1} snapshot_mib={2:F1} backup_fs_mib_s={3:F1} backup_s3_mib_s={4:F1} verify_fs_mib_s={5:F1} verify_s3_mib_s={6:F1} " +
        "stream_only_mib_s={12:F1} check_fs_mib_s={13:F1} restore_fs_ready_s={7:F2} restore_s3_ready_s={8:F2} orders_per_sec={9:F0} orders_per_sec_during_backup={10:F0} ratio={11:F3} ratio_one_backup={14:F3}",
        orders, accounts, size / MiB, size / MiB / fsBackupTime.TotalSeconds, s3Backup.Manifest.Size / MiB / s3BackupTime.TotalSeconds,
        size / MiB / fsVerifyTime.TotalSeconds, s3Backup.Manifest.Size / MiB / s3VerifyTime.TotalSeconds, fsRestore.Ready.TotalSeconds, s3Restore.Ready.TotalSeconds,
        quiet.PerSecond, busy.PerSecond, busy.PerSecond / quiet.PerSecond, streamed / MiB / streamTime.TotalSeconds, size / MiB / fsCheckTime.TotalSeconds, oneRatio));
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

async Task<(TimeSpan Ready, TimeSpan Verified)> RestoreAsync(int id, string store, string backup, long index, IReadOnlyDictionary<string, string>? environment)
{
    var started = Stopwatch.GetTimestamp();
    var node = nodes.StartRestored(id, store, backup, environment);
    try
    {
        await nodes.WaitReadyAsync(id, index, TimeSpan.FromSeconds(300));
    }
    catch (TimeoutException)
    {
        Console.Error.WriteLine(node.Tail);
        throw;
    }

    var ready = Stopwatch.GetElapsedTime(started);
    var verifiedAt = node.FirstLineAt("starting from backup") ?? throw new InvalidOperationException($"node {id} never said it started from the backup: {node.Tail}");
    nodes.Stop(id);
    return (ready, Stopwatch.GetElapsedTime(started, verifiedAt));
}

async Task<long> DrainSnapshotAsync(int id)
{
    using var call = nodes.AdminStub(id).StreamSnapshot(new Raftex.Protocol.V1.StreamSnapshotRequest());
    long bytes = 0;
    while (await call.ResponseStream.MoveNext(CancellationToken.None))
    {
        bytes += call.ResponseStream.Current.Data.Length;
    }

    return bytes;
}

static double MeanMs((double Count, double Sum) from, (double Count, double Sum) to) =>
    to.Count > from.Count ? (to.Sum - from.Sum) / (to.Count - from.Count) * 1000 : double.NaN;

static async Task<(T Result, TimeSpan Took)> TimedAsync<T>(Func<Task<T>> run)
{
    var started = Stopwatch.GetTimestamp();
    var result = await run();
    return (result, Stopwatch.GetElapsedTime(started));
}

static int Setting(string name, int fallback)
{
    var text = Environment.GetEnvironmentVariable(name);
    if (text is null)
    {
        return fallback;
    }

    return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
        ? value
        : throw new ArgumentException($"{name}='{text}' is not a positive whole number");
}
