using System.Threading.Channels;
using k8s;
using k8s.Autorest;

namespace Raftex.Local;

/// <summary>
/// The shape every local controller shares: one reconcile pass at a time, woken by any event on a set of watches (which
/// only signal, never carry state) and by a resync timer; broken watches are re-opened and a failed pass is retried.
/// </summary>
internal sealed class WakeLoop(TimeSpan resyncInterval, TimeSpan watchRetryDelay)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Turns a watch into a wake-up source.</summary>
    public Func<CancellationToken, Task> Signal<T>(Func<CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch) => async ct =>
    {
        await foreach (var _ in watch(ct).WithCancellation(ct).ConfigureAwait(false))
        {
            _wake.Writer.TryWrite(true);
        }
    };

    /// <summary>Asks for another pass soon (many calls before it starts make one pass).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(Func<CancellationToken, Task> reconcile, IEnumerable<Func<CancellationToken, Task>> watches, CancellationToken cancellationToken)
    {
        var running = watches.Select(w => KeepWatchingAsync(w, cancellationToken)).ToList();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await reconcile(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
                {
                    // A conflict or a server restart: the next pass starts again from fresh reads.
                    _wake.Writer.TryWrite(true);
                }

                using var resync = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                resync.CancelAfter(resyncInterval);
                try
                {
                    await _wake.Reader.ReadAsync(resync.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Resync interval elapsed.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task KeepWatchingAsync(Func<CancellationToken, Task> watch, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await watch(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or KubernetesException)
            {
                // The watch broke (server restart, dropped stream); re-open it below.
            }

            _wake.Writer.TryWrite(true);
            try
            {
                await Task.Delay(watchRetryDelay, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
