using System.Diagnostics;
using Raftex.Raft;

namespace Raftex.Node;

/// <summary>What backups and quorum-loss recovery need from the Raft loop and the data directory.</summary>
internal sealed partial class RaftHost
{
    /// <summary>
    /// The bytes and path of the newest snapshot file once it is at or after <paramref name="index"/> (the applier takes a
    /// snapshot and the loop writes it, so it appears shortly after). Throws <see cref="TimeoutException"/> when it does not
    /// appear within <paramref name="wait"/> (a full disk defers it).
    /// </summary>
    public async Task<(string Path, byte[] Bytes)> ReadSnapshotFileAsync(long index, TimeSpan wait, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_data.Snapshots.NewestIndex >= index && _data.Snapshots.Files is { Count: > 0 } files)
            {
                try
                {
                    return (files[0], await File.ReadAllBytesAsync(files[0], ct).ConfigureAwait(false));
                }
                catch (FileNotFoundException)
                {
                    // Pruned by a newer snapshot between listing and reading: take the newer one.
                    continue;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the snapshot at index {index} was not written within {wait.TotalSeconds:0} s{(DiskFullReason is { } full ? $" ({full})" : string.Empty)}");
            }

            await Task.Delay(Math.Max(1, _options.HeartbeatMs / 2), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <see cref="RaftNode.ForceNewCluster"/> on the loop. Throws <see cref="InvalidOperationException"/> when this node
    /// leads or is not a member. The answer comes once the forced entry is committed (a single voter commits alone).
    /// </summary>
    public async Task<(long Index, long Term, long LastIndexBefore, long CommitBefore)> ForceNewClusterAsync(TimeSpan wait, CancellationToken ct)
    {
        var forced = new TaskCompletionSource<(long, long, long, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(raft =>
        {
            try
            {
                var (index, lastBefore, commitBefore) = raft.ForceNewCluster();
                _logger.LogWarning(
                    "FORCED A NEW CLUSTER: sole voter now, term {Term}; log kept and committed to {LastBefore} (commit was {CommitBefore}); continues at {Index}",
                    raft.Term, lastBefore, commitBefore, index);
                forced.TrySetResult((index, raft.Term, lastBefore, commitBefore));
            }
            catch (InvalidOperationException e)
            {
                forced.TrySetException(e);
            }
        });
        var result = await forced.Task.WaitAsync(wait, ct).ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (_view.Commit < result.Item1)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the forced configuration at index {result.Item1} did not commit within {wait.TotalSeconds:0} s{(DiskFullReason is { } full ? $" ({full})" : string.Empty)}");
            }

            await Task.Delay(Math.Max(1, _options.HeartbeatMs / 2), ct).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>A new incarnation for this node, durable in the identity file.</summary>
    public string Reincarnate() => _data.Reincarnate(_options.NodeId);
}
