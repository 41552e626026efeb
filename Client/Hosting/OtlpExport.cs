using System.Collections;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Hosting;

/// <summary>
/// OTLP export of the product's <see cref="SweepsTelemetry.Meter"/> and <see cref="SweepsTelemetry.Source"/>, and of
/// Orleans' Meter and ActivitySources (<see cref="OrleansTelemetry"/>) in a process that hosts a silo or client, set
/// up from the standard environment variables and nothing else: traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set, metrics when it or <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> is;
/// the OpenTelemetry SDK reads the rest (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>…_HEADERS</c>, <c>…_TIMEOUT</c>,
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_BSP_*</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_SERVICE_NAME</c>,
/// default service name <see cref="DefaultServiceName"/>). <c>OTEL_SDK_DISABLED=true</c>, or
/// <c>OTEL_TRACES_EXPORTER</c> / <c>OTEL_METRICS_EXPORTER</c> = <c>none</c>, turn a signal off. With nothing set,
/// <see cref="Start"/> returns null: no provider, no exporter, no thread.
/// </summary>
public sealed class OtlpExport : IDisposable
{
    public const string DefaultServiceName = "orleans-sweeps";

    /// <summary>How long disposing waits for the last export of each signal.</summary>
    private const int FlushMilliseconds = 5000;

    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private OtlpExport(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    public bool ExportsTraces => _traces is not null;

    public bool ExportsMetrics => _metrics is not null;

    /// <summary>The exporters the environment asks for, or null when it asks for none.</summary>
    public static OtlpExport? Start(IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Get(string name) => environment[name] is string { Length: > 0 } value ? value.Trim() : null;
        if (string.Equals(Get("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)) return null;
        var anywhere = Get("OTEL_EXPORTER_OTLP_ENDPOINT") is not null;
        var traces = (anywhere || Get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is not null) && !IsNone(Get("OTEL_TRACES_EXPORTER"));
        var metrics = (anywhere || Get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") is not null) && !IsNone(Get("OTEL_METRICS_EXPORTER"));
        if (!traces && !metrics) return null;

        var named = Get("OTEL_SERVICE_NAME") is not null || (Get("OTEL_RESOURCE_ATTRIBUTES") ?? "").Split(',').Any(a => a.Trim().StartsWith("service.name=", StringComparison.Ordinal));
        void Resource(ResourceBuilder resource)
        {
            // Later detectors win: the environment's service name and attributes override the default.
            if (!named) resource.AddService(DefaultServiceName, serviceVersion: typeof(OtlpExport).Assembly.GetName().Version?.ToString());
        }
        var tracer = traces
            ? Sdk.CreateTracerProviderBuilder().ConfigureResource(Resource).AddSource(SweepsTelemetry.Name, OrleansTelemetry.ActivitySources).AddOtlpExporter().Build()
            : null;
        var meter = metrics
            ? Sdk.CreateMeterProviderBuilder().ConfigureResource(Resource).AddMeter(SweepsTelemetry.Name, OrleansTelemetry.MeterName).AddOtlpExporter().Build()
            : null;
        return new OtlpExport(tracer, meter);
    }

    private static bool IsNone(string? exporter) => string.Equals(exporter, "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>Exports what is pending (the last metric values included), waiting at most a few seconds per signal.</summary>
    public void Dispose()
    {
        _traces?.Shutdown(FlushMilliseconds);
        _metrics?.Shutdown(FlushMilliseconds);
        _traces?.Dispose();
        _metrics?.Dispose();
    }
}
