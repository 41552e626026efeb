using static OrleansSweeps.Tests.Deploy.PrometheusNames;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The Orleans instruments the dashboards may query, in one place. Orleans 10.4.2 publishes them on its Meter
/// <c>Microsoft.Orleans</c> (OrleansTelemetry.MeterName). The names are InstrumentNames constants found in
/// Orleans.Core.dll (<c>strings -el ~/.nuget/packages/microsoft.orleans.core/10.4.2/lib/net10.0/Orleans.Core.dll |
/// grep ^orleans-</c>); units, kinds and attribute keys are as a MeterListener saw a live 10.4.2 silo publish and
/// record them, and <see cref="OrleansMetricsTests"/> checks this list against a live silo again, so an Orleans
/// upgrade that renames one fails there rather than in Grafana. There is no membership instrument in 10.4.2 (no
/// <c>orleans-membership-*</c>): the consistent ring holds the silos a silo sees as active.
/// </summary>
public static class OrleansMetrics
{
    /// <summary>An Orleans instrument with every attribute key it records (none: it records none).</summary>
    public sealed record Metric(string Name, string? Unit, Kind Kind, params string[] Attributes)
    {
        public Instrument Instrument => new(Name, Unit, Kind);
    }

    /// <summary>Orleans' grain type name, e.g. <c>run</c>, <c>sweep</c>; Orleans' own grains are <c>sys.…</c>.</summary>
    public const string GrainType = "grain_type";

    public static readonly IReadOnlyList<Metric> All =
    [
        // Activations on the silo now, by grain type (an observable gauge read at each export).
        new("orleans-catalog-activations", null, Kind.Gauge, GrainType),
        // Time from sending a grain call to its response, measured by the caller, in milliseconds.
        new("orleans-app-requests-latency", "ms", Kind.Histogram),
        // Silos in this silo's consistent ring: the active silos of the membership as this silo sees it.
        new("orleans-consistent-ring-size", null, Kind.Gauge),
    ];
}
