using OrleansSweeps.Tests.TestSupport;
using static OrleansSweeps.Tests.Deploy.PrometheusNames;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The OTel → Prometheus naming the dashboards rely on: the collector is configured for it, the rules give the
/// translator's own documented examples, and the product's instruments come out with the expected names.
/// </summary>
public sealed class PrometheusNamesTests
{
    [Fact]
    public void The_collector_exports_with_the_translation_the_tests_implement()
    {
        var config = Yaml.File(Path.Combine(Kustomize.Root, "base", "otel-collector", "config.yaml"))[0];
        Assert.Equal("UnderscoreEscapingWithSuffixes", Yaml.Str(config, "exporters.prometheus.translation_strategy"));
        Assert.Null(Yaml.At(config, "exporters.prometheus.add_metric_suffixes"));
        Assert.Null(Yaml.At(config, "exporters.prometheus.namespace"));
        Assert.NotEqual("true", Yaml.Str(config, "exporters.prometheus.resource_to_telemetry_conversion.enabled"));
        Assert.Equal(["prometheus"], Yaml.List(config, "service.pipelines.metrics.exporters"));
        Assert.Equal(["otlp"], Yaml.List(config, "service.pipelines.metrics.receivers"));
        var port = Yaml.Str(config, "exporters.prometheus.endpoint")!.Split(':')[1];
        var scrape = Yaml.File(Path.Combine(Kustomize.Root, "base", "prometheus", "prometheus.yml"))[0];
        var job = Yaml.Maps(scrape, "scrape_configs").Single(j => Yaml.Str(j, "job_name") == "otel-collector");
        Assert.Equal("true", Yaml.Str(job, "honor_labels"));
        Assert.Equal(["otel-collector:" + port], Yaml.List(Yaml.Maps(job, "static_configs").Single(), "targets"));
    }

    [Theory]
    [InlineData("http.server.duration", "s", Kind.Histogram, "http_server_duration_seconds")]
    [InlineData("requests.count", "1", Kind.MonotonicCounter, "requests_count_total")]
    [InlineData("memory.usage", "By", Kind.Gauge, "memory_usage_bytes")]
    [InlineData("cpu.utilization", "1", Kind.Gauge, "cpu_utilization_ratio")]
    [InlineData("queue.items", "{item}", Kind.NonMonotonicSum, "queue_items")]
    [InlineData("network.io", "By/s", Kind.Gauge, "network_io_bytes_per_second")]
    [InlineData("latency.seconds", "s", Kind.Histogram, "latency_seconds")]
    [InlineData("jobs.total", "{job}", Kind.MonotonicCounter, "jobs_total")]
    [InlineData("a__b--c", "", Kind.Gauge, "a_b_c")]
    public void Names_follow_the_translator(string name, string unit, Kind kind, string expected) =>
        Assert.Equal(expected, Metric(new Instrument(name, unit, kind)));

    [Fact]
    public void The_products_instruments_have_the_expected_prometheus_names()
    {
        var names = Emitted().ToDictionary(i => i.Name, Metric);
        Assert.Equal("sweeps_runs", names["sweeps.runs"]);
        Assert.Equal("sweeps_training_steps_total", names["sweeps.training.steps"]);
        Assert.Equal("sweeps_training_step_duration_seconds", names["sweeps.training.step.duration"]);
        Assert.Equal("sweeps_silo_slots_busy", names["sweeps.silo.slots.busy"]);
        Assert.Equal("sweeps_science_osgr_lhs_ratio", names["sweeps.science.osgr.lhs"]);
        Assert.Equal("sweeps_blob_io_bytes_total", names["sweeps.blob.io"]);
        Assert.Equal("sweeps_ledger_operation_duration_seconds", names["sweeps.ledger.operation.duration"]);
        Assert.Contains("sweeps_ledger_operation_duration_seconds_bucket", Emitted().SelectMany(Series));
        var labels = EmittedAttributes(RepoPaths.Root).Select(Label).ToHashSet();
        foreach (var label in new[] { "sweeps_sweep_id", "sweeps_point", "sweeps_silo_id", "sweeps_device", "sweeps_run_state", "sweeps_ledger_operation", "sweeps_blob_operation" })
            Assert.Contains(label, labels);
    }

    [Fact]
    public void Orleans_instruments_have_the_expected_prometheus_names()
    {
        var names = OrleansMetrics.All.ToDictionary(m => m.Name, m => Metric(m.Instrument));
        Assert.Equal("orleans_catalog_activations", names["orleans-catalog-activations"]);
        Assert.Equal("orleans_app_requests_latency_milliseconds", names["orleans-app-requests-latency"]);
        Assert.Equal("orleans_consistent_ring_size", names["orleans-consistent-ring-size"]);
        Assert.Equal(["orleans_app_requests_latency_milliseconds_bucket", "orleans_app_requests_latency_milliseconds_sum", "orleans_app_requests_latency_milliseconds_count"],
            Series(OrleansMetrics.All.Single(m => m.Name == "orleans-app-requests-latency").Instrument));
        Assert.Equal("grain_type", Label(OrleansMetrics.GrainType));
    }
}
