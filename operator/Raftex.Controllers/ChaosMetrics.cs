using System.Diagnostics.Metrics;

namespace Raftex.Controllers;

/// <summary>
/// Chaos instruments on the operator's meter. Dashboards and alerts are written against these exact names; the
/// verdict gauge always reports Pass, Fail and None, so its series exist from the operator's start.
/// </summary>
public static class ChaosMetrics
{
    /// <summary>The verdict label values, in the order they are reported.</summary>
    public static readonly IReadOnlyList<string> Verdicts = ["Pass", "Fail", "None"];

    private static readonly Lock Gate = new();
    private static Func<IReadOnlyDictionary<string, int>>? _verdicts;
    private static Func<int>? _faultsActive;

    /// <summary>Faults injected, by action.</summary>
    public static readonly Counter<long> InjectionsTotal =
        OperatorMetrics.Meter.CreateCounter<long>("raftex_chaos_injections_total", description: "Faults injected by the operator, by action.");

    static ChaosMetrics()
    {
        OperatorMetrics.Meter.CreateObservableGauge("raftex_chaos_experiments", ObserveVerdicts,
            description: "ChaosExperiment objects the operator knows, by their current verdict (Pass, Fail, None).");
        OperatorMetrics.Meter.CreateObservableGauge("raftex_chaos_faults_active", ObserveFaults,
            description: "Faults currently injected by the operator.");
    }

    /// <summary>Makes the gauges read <paramref name="verdicts"/> and <paramref name="faultsActive"/> until the handle is disposed.</summary>
    public static IDisposable Register(Func<IReadOnlyDictionary<string, int>> verdicts, Func<int> faultsActive)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(faultsActive);
        lock (Gate)
        {
            _verdicts = verdicts;
            _faultsActive = faultsActive;
        }

        return new Registration(verdicts);
    }

    /// <summary>Counts <paramref name="count"/> injections of <paramref name="action"/>.</summary>
    public static void RecordInjections(string action, int count)
    {
        if (count > 0)
        {
            InjectionsTotal.Add(count, new KeyValuePair<string, object?>("action", action));
        }
    }

    /// <summary>The three verdict values and their counts, zero where the source has none.</summary>
    public static IEnumerable<Measurement<int>> ObserveVerdicts()
    {
        Func<IReadOnlyDictionary<string, int>>? source;
        lock (Gate)
        {
            source = _verdicts;
        }

        var counts = source?.Invoke() ?? new Dictionary<string, int>();
        foreach (var verdict in Verdicts)
        {
            yield return new Measurement<int>(counts.TryGetValue(verdict, out var n) ? n : 0, new KeyValuePair<string, object?>("verdict", verdict));
        }
    }

    private static int ObserveFaults()
    {
        lock (Gate)
        {
            return _faultsActive?.Invoke() ?? 0;
        }
    }

    private sealed class Registration(Func<IReadOnlyDictionary<string, int>> verdicts) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
            {
                if (_verdicts == verdicts)
                {
                    _verdicts = null;
                    _faultsActive = null;
                }
            }
        }
    }
}
