using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Raftex.Controllers;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>Records every measurement of the named instruments on the operator's meter while it lives (tests in parallel may add their own).</summary>
internal sealed class MeasurementLog : IDisposable
{
    private readonly MeterListener _listener = new();

    public MeasurementLog(params string[] instruments)
    {
        var names = instruments.ToHashSet(StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OperatorMetrics.MeterName && names.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            Measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        _listener.Start();
    }

    public ConcurrentBag<(string Instrument, long Value, Dictionary<string, string?> Tags)> Measurements { get; } = [];

    public void Dispose() => _listener.Dispose();
}
