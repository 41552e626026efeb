using Orleans.Hosting;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// Orleans' own telemetry beside the product's (<see cref="SweepsTelemetry"/>): the names its Meter and
/// ActivitySources go by, which the exporters subscribe to, and the activity propagation every silo and client
/// of ours turns on, so a grain call's spans join the caller's trace instead of starting one of their own.
/// </summary>
public static class OrleansTelemetry
{
    /// <summary>
    /// Orleans' one Meter (<c>Orleans.Runtime.OrleansInstruments</c>, created per host through its
    /// <c>IMeterFactory</c>; Orleans 10.4.2 has no public constant for the name). Its instruments are named
    /// <c>orleans-…</c>, e.g. <c>orleans-catalog-activations</c>.
    /// </summary>
    public const string MeterName = "Microsoft.Orleans";

    /// <summary>
    /// Every Orleans ActivitySource — <c>Microsoft.Orleans.Runtime</c>, <c>.Application</c>, <c>.Lifecycle</c>,
    /// <c>.Storage</c>, <c>.DurableJobs</c> in 10.4.2 — as the wildcard Orleans itself publishes, so a source a
    /// later version adds is exported too (grain calls, activation and placement, grain state reads and writes).
    /// </summary>
    public const string ActivitySources = Orleans.Diagnostics.ActivitySources.AllActivitySourceName;

    /// <summary>Propagates <c>Activity.Current</c> through the silo's grain calls (in and out).</summary>
    public static ISiloBuilder AddOrleansTelemetry(this ISiloBuilder silo) => silo.AddActivityPropagation();

    /// <summary>Propagates <c>Activity.Current</c> from a cluster client's grain calls into the silos.</summary>
    public static IClientBuilder AddOrleansTelemetry(this IClientBuilder client) => client.AddActivityPropagation();
}
