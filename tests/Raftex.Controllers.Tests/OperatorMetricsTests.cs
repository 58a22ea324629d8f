using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using k8s.Models;

namespace Raftex.Controllers.Tests;

public sealed class OperatorMetricsTests
{
    private sealed class FlakyOnce : IReconciler
    {
        private int _calls;

        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) =>
            Task.FromResult(Interlocked.Increment(ref _calls) == 1 ? ReconcileResult.Error("first try fails") : ReconcileResult.Done);
    }

    [Fact]
    public async Task Reconciles_durations_queue_depth_and_watch_restarts_are_measured_by_kind()
    {
        const string kind = "MetricsProbe";
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OperatorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("kind"), kind))
            {
                measurements.Enqueue((instrument.Name, value, map));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("a", "1"));
        var informer = new Informer<V1ConfigMap>(kind, source, new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(2) });
        var controller = new Controller<V1ConfigMap>(kind, informer, new FlakyOnce(), new ControllerOptions { BackoffBase = TimeSpan.FromMilliseconds(1) });
        using var cts = new CancellationTokenSource();
        var running = Task.WhenAll(informer.RunAsync(cts.Token), controller.RunAsync(cts.Token));

        await Poll.UntilAsync(() => measurements.Count(m => m.Name == "raftex_operator_reconciles_total") == 2 && source.Watching, "two reconciles are counted");
        source.Close();
        await Poll.UntilAsync(() => measurements.Any(m => m.Name == "raftex_operator_watch_restarts_total"), "the watch restart is counted");
        listener.RecordObservableInstruments();

        var results = measurements.Where(m => m.Name == "raftex_operator_reconciles_total").Select(m => (string)m.Tags["result"]!).Order();
        Assert.Equal(["done", "error"], results);
        Assert.Equal(2, measurements.Count(m => m.Name == "raftex_operator_reconcile_duration_seconds" && m.Value >= 0));
        Assert.Equal("closed", measurements.First(m => m.Name == "raftex_operator_watch_restarts_total").Tags["reason"]);
        Assert.Contains(measurements, m => m.Name == "raftex_operator_queue_depth" && m.Value == 0);

        await cts.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
