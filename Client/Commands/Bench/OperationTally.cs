using System.Diagnostics.Metrics;
using System.Globalization;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// Sums the ledger and blob durations recorded in <see cref="SweepsTelemetry"/> while it lives, per
/// operation (and blob kind), so a bench can say where orchestration time goes.
/// </summary>
internal sealed class OperationTally : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, (int Calls, double Seconds)> _totals = [];
    private readonly Lock _gate = new();

    public OperationTally()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // By name: touching SweepsTelemetry here could create its meter inside this very callback.
            if (instrument.Meter.Name == SweepsTelemetry.Name && instrument.Name.EndsWith(".operation.duration", StringComparison.Ordinal))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    private void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var name = instrument.Name.StartsWith("sweeps.ledger", StringComparison.Ordinal) ? "ledger" : "blob";
        foreach (var tag in tags) name += " " + tag.Value;
        lock (_gate)
        {
            var (calls, total) = _totals.GetValueOrDefault(name);
            _totals[name] = (calls + 1, total + seconds);
        }
    }

    public double TotalSeconds(string prefix)
    {
        lock (_gate) return _totals.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(t => t.Value.Seconds);
    }

    /// <summary>One line per operation, largest total first: calls, total seconds, mean milliseconds.</summary>
    public IEnumerable<string> Lines(int runs)
    {
        lock (_gate)
        {
            return _totals.OrderByDescending(t => t.Value.Seconds).Select(t => string.Create(CultureInfo.InvariantCulture,
                $"    {t.Key,-36} {t.Value.Calls,7} calls {t.Value.Calls / (double)runs,6:F1}/run {t.Value.Seconds,7:F3} s {1000 * t.Value.Seconds / t.Value.Calls,7:F3} ms each")).ToArray();
        }
    }

    public void Dispose() => _listener.Dispose();
}
