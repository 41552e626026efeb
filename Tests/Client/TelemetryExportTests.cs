using System.Collections;
using System.Diagnostics.Metrics;
using System.Reflection;
using Orleans.Diagnostics;
using OrleansSweeps.Client.Hosting;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Silo.Telemetry;
using OrleansSweeps.Tests.Deploy;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// OTLP export through the real console: a sweep run with the standard OTEL_* variables pointing at a loopback
/// receiver delivers every instrument of the catalogue and the spans of submission, activation, reports,
/// checkpoints and aggregation, linked to the submission, and Orleans' metrics and spans from the embedded silo;
/// without the variables nothing is sent.
/// </summary>
public sealed class TelemetryExportTests
{
    // 2 points × 2 replicates × 30 updates, recorded every 10 (aggregates at 0, 10, 20, 30) with every statistic
    // the science gauges read (moments, vectors, MGS), checkpoints every 10 updates.
    internal const string Spec = """
        name: telemetry
        seed: 3
        replicates: 2
        train_size: 100
        dataset:
          kind: two-circles
          noise: 0.1
          test_size: 200
        model:
          kind: mlp
          hidden: [16]
        training:
          optimizer: gd
          lr: 0.1
          steps: 30
        record:
          every: 10
        checkpoint_every: 10
        stats: {moments: true, vectors: true, mgs_batch: 8}
        grid:
          train_size: [50, 100]
        """;

    /// <summary>Every instrument of the catalogue, by reflection (so a new one is checked too).</summary>
    internal static IReadOnlyList<string> CatalogueMetrics() =>
        typeof(SweepsTelemetry).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => typeof(Instrument).IsAssignableFrom(f.FieldType))
            .Select(f => ((Instrument)f.GetValue(null)!).Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_sweep_exports_every_catalogue_metric_and_its_linked_spans_over_otlp_http()
    {
        using var dir = new TempDirectory();
        using var receiver = new OtlpReceiver();
        var spec = WriteSpec(dir);
        var environment = ExportingTo(receiver);
        environment["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=test";

        var result = Cli.Run(dir.Path, environment, "run", spec, "--home", dir.Combine("h"), "--id", "s", "--slots", "2", "--checkpoint-interval", "0");
        Assert.True(result.ExitCode == 0, result.Stderr);

        Assert.All(receiver.Posts, p => Assert.Contains(p.Path, new[] { "/v1/metrics", "/v1/traces" }));
        var metrics = receiver.MetricNames();
        Assert.Empty(CatalogueMetrics().Except(metrics));

        var spans = receiver.Spans();
        Assert.All(spans, s => Assert.Equal(OtlpExport.DefaultServiceName, s.Service));
        var submit = Assert.Single(spans, s => s.Name == SweepsTelemetry.SubmitSpan);
        Assert.Equal("s", submit.Attributes[SweepsTelemetry.SweepTag]);
        // The stored context is the submission's.
        Assert.Equal($"traceparent=00-{submit.TraceId}-{submit.SpanId}-01", File.ReadAllText(dir.Combine("h", "blobs", "sweeps", "s", "trace.txt")).Trim());

        var activations = spans.Where(s => s.Name == SweepsTelemetry.RunActivateSpan).ToArray();
        Assert.Equal(4, activations.Length);
        Assert.Equal(["0/0", "0/1", "1/0", "1/1"], activations.Select(a => $"{a.Attributes[SweepsTelemetry.PointTag]}/{a.Attributes[SweepsTelemetry.ReplicateTag]}").Order());
        Assert.All(activations, a => Assert.Equal("completed", a.Attributes[SweepsTelemetry.OutcomeTag]));
        Assert.All(activations, a => Assert.False(string.IsNullOrEmpty(a.Attributes[SweepsTelemetry.SiloTag])));

        var aggregates = spans.Where(s => s.Name == SweepsTelemetry.AggregateSpan).ToArray();
        Assert.Equal(2 * 4, aggregates.Length);
        // Each activation is its own trace, linked to the submission.
        Assert.All(activations.Concat(aggregates), a => Assert.Equal([(submit.TraceId, submit.SpanId)], a.Links));

        // Reports and checkpoints are children of their run's activation.
        var byId = activations.ToDictionary(a => a.SpanId);
        foreach (var name in new[] { SweepsTelemetry.ReportSpan, SweepsTelemetry.CheckpointSpan })
        {
            var children = spans.Where(s => s.Name == name).ToArray();
            Assert.NotEmpty(children);
            Assert.All(children, c =>
            {
                var parent = byId[c.ParentSpanId];
                Assert.Equal(parent.TraceId, c.TraceId);
                Assert.Equal(parent.Attributes[SweepsTelemetry.ReplicateTag], c.Attributes[SweepsTelemetry.ReplicateTag]);
                Assert.Equal(parent.Attributes[SweepsTelemetry.SiloTag], c.Attributes[SweepsTelemetry.SiloTag]);
            });
        }
        // Checkpoints every 10 updates: steps 10 and 20 of each run (the end stores curves instead).
        Assert.Equal(4 * 2, spans.Count(s => s.Name == SweepsTelemetry.CheckpointSpan));
    }

    [Fact]
    public void An_embedded_sweep_also_exports_orleans_metrics_and_spans()
    {
        using var dir = new TempDirectory();
        using var receiver = new OtlpReceiver();
        var spec = WriteSpec(dir);

        var result = Cli.Run(dir.Path, ExportingTo(receiver), "run", spec, "--home", dir.Combine("h"), "--id", "s", "--slots", "2");
        Assert.True(result.ExitCode == 0, result.Stderr);

        // Orleans' Meter, with every instrument the dashboards query, beside the product's.
        var orleans = receiver.MetricNames(OrleansTelemetry.MeterName);
        Assert.Empty(OrleansMetrics.All.Select(m => m.Name).Except(orleans));
        Assert.Contains(SweepsTelemetry.LedgerDuration.Name, receiver.MetricNames(SweepsTelemetry.Name));

        // Orleans' spans: the console's call to the sweep grain and the grains' activations, from the same process.
        var spans = receiver.Spans();
        var fromOrleans = spans.Where(s => s.Scope?.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal) == true).ToArray();
        Assert.Contains(fromOrleans, s => s.Name == $"{nameof(ISweepGrain)}/{nameof(ISweepGrain.Drive)}");
        Assert.Contains(fromOrleans, s => s.Scope == ActivitySources.LifecycleActivitySourceName && s.Name == "activate grain");
        Assert.All(fromOrleans, s => Assert.Equal(OtlpExport.DefaultServiceName, s.Service));
        Assert.Single(spans, s => s.Name == SweepsTelemetry.SubmitSpan);
    }

    [Fact]
    public void Without_otel_variables_nothing_is_exported()
    {
        using var dir = new TempDirectory();
        // On the default OTLP/HTTP port when it is free: an exporter started with defaults would post here.
        using var receiver = TryDefaultPort() ?? new OtlpReceiver();
        var spec = WriteSpec(dir);
        var environment = Without(OtelVariables());
        // Settings without an endpoint turn nothing on.
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "100";

        var result = Cli.Run(dir.Path, environment, "run", spec, "--home", dir.Combine("h"), "--id", "s", "--slots", "2");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Thread.Sleep(300);
        Assert.Empty(receiver.Posts);
        Assert.False(File.Exists(dir.Combine("h", "blobs", "sweeps", "s", "trace.txt")));
    }

    [Fact]
    public void Exporters_start_only_for_the_signals_the_environment_names()
    {
        Assert.Null(OtlpExport.Start(new Hashtable()));
        Assert.Null(OtlpExport.Start(new Hashtable { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", ["OTEL_SERVICE_NAME"] = "x" }));
        Assert.Null(OtlpExport.Start(new Hashtable { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1", ["OTEL_SDK_DISABLED"] = "true" }));
        using (var both = OtlpExport.Start(new Hashtable { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1" }))
            Assert.True(both is { ExportsTraces: true, ExportsMetrics: true });
        using (var traces = OtlpExport.Start(new Hashtable { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://127.0.0.1:1/v1/traces" }))
            Assert.True(traces is { ExportsTraces: true, ExportsMetrics: false });
        using (var metrics = OtlpExport.Start(new Hashtable { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1", ["OTEL_TRACES_EXPORTER"] = "none" }))
            Assert.True(metrics is { ExportsTraces: false, ExportsMetrics: true });
    }

    private static OtlpReceiver? TryDefaultPort()
    {
        try
        {
            return new OtlpReceiver(4318);
        }
        catch (System.Net.HttpListenerException)
        {
            return null;
        }
    }

    private static string WriteSpec(TempDirectory dir)
    {
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, Spec);
        return spec;
    }

    /// <summary>The child's environment: this process's OTEL_* variables blanked, OTLP/HTTP to <paramref name="receiver"/>, metrics every 500 ms.</summary>
    private static Dictionary<string, string> ExportingTo(OtlpReceiver receiver)
    {
        var environment = Without(OtelVariables());
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        return environment;
    }

    /// <summary>The OTEL_* variables of this process (blanked in the child's environment: empty counts as unset).</summary>
    private static IEnumerable<string> OtelVariables() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal));

    private static Dictionary<string, string> Without(IEnumerable<string> names) => names.ToDictionary(n => n, _ => "");
}
