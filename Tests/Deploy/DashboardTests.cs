using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orleans.Runtime;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The Grafana dashboards query only what the code emits: every PromQL metric and label name is one the
/// product's Meter produces (enumerated from SweepsTelemetry with a MeterListener), named by the rules the
/// collector's Prometheus exporter is configured with; the ledger panel names only tables and columns of the
/// PostgreSQL schema.
/// </summary>
public sealed class DashboardTests
{
    private static readonly Dashboards.Vocabulary Vocabulary = Dashboards.Emitted(RepoPaths.Root);

    [Fact]
    public void The_three_dashboards_are_there_and_provisioned()
    {
        var dashboards = Dashboards.All();
        Assert.Equal(["cluster.json", "science.json", "sweep.json"], dashboards.Keys.Order(StringComparer.Ordinal));
        var generator = Yaml.Maps(Yaml.File(Path.Combine(Kustomize.Root, "grafana", "kustomization.yaml"))[0], "configMapGenerator")
            .Single(g => Yaml.Str(g, "name") == "grafana-dashboards");
        Assert.Equal(dashboards.Keys.Select(k => "dashboards/" + k).Order(StringComparer.Ordinal),
            Yaml.List(generator, "files").Select(f => f!.ToString()!).Order(StringComparer.Ordinal));
        Assert.Equal(dashboards.Count, dashboards.Values.Select(d => d["uid"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public void Every_panel_has_a_title_and_a_provisioned_data_source_and_queries_only_emitted_metrics()
    {
        var problems = Dashboards.All().SelectMany(d => Dashboards.Problems(d.Key, d.Value, Vocabulary)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_dashboards_cover_cluster_sweep_and_science()
    {
        var all = Dashboards.All();
        string Queries(string name) => string.Join("\n", Dashboards.Panels(all[name])
            .SelectMany(p => p["targets"]!.AsArray()).Select(t => t!["expr"]?.GetValue<string>() ?? t!["rawSql"]?.GetValue<string>()));
        var cluster = Queries("cluster.json");
        Assert.Contains("sweeps_silo_slots_busy", cluster, StringComparison.Ordinal);
        Assert.Contains("sweeps_run_state=\"queued\"", cluster, StringComparison.Ordinal);
        // Orleans: activations by grain type, grain call latency (p95), membership (active silos, silo status).
        Assert.Contains("sum by (grain_type) (orleans_catalog_activations", cluster, StringComparison.Ordinal);
        Assert.Contains("histogram_quantile(0.95, sum by (le) (rate(orleans_app_requests_latency_milliseconds_bucket", cluster, StringComparison.Ordinal);
        Assert.Contains("orleans_consistent_ring_size", cluster, StringComparison.Ordinal);
        Assert.Contains("FROM orleans_membership m", cluster, StringComparison.Ordinal);
        var sweep = Queries("sweep.json");
        Assert.Contains("rate(sweeps_training_steps_total", sweep, StringComparison.Ordinal);
        Assert.Contains("sweeps_ledger_operation=~\"start_run|record_reports", sweep, StringComparison.Ordinal);
        Assert.Contains("sweeps_blob_io_bytes_total", sweep, StringComparison.Ordinal);
        var science = Dashboards.Panels(all["science.json"]).ToList();
        Assert.Contains(science, p => p["type"]!.GetValue<string>() == "xychart");
        Assert.Contains(science, p => p["datasource"]!["uid"]!.GetValue<string>() == "ledger" && p["type"]!.GetValue<string>() == "table");
        foreach (var metric in new[] { "osgr_lhs", "osgr_rhs", "gsnr_mean", "mgs_trace" })
            Assert.Contains($"sweeps_science_{metric}_ratio", Queries("science.json"), StringComparison.Ordinal);
        var variables = all["science.json"]["templating"]!["list"]!.AsArray().Select(v => v!["name"]!.GetValue<string>());
        Assert.Equal(["sweep", "point"], variables);
    }

    [Fact]
    public void The_checks_catch_an_unknown_metric_label_data_source_variable_and_column()
    {
        var bad = JsonNode.Parse("""
            {"uid": "x", "title": "bad", "templating": {"list": []}, "panels": [
              {"id": 1, "type": "timeseries", "title": "t", "datasource": {"type": "prometheus", "uid": "prometheus"},
               "targets": [{"refId": "A", "expr": "sum by (sweeps_sweep) (rate(sweeps_training_steps{sweeps_device=\"cuda\"}[$__rate_interval])) / $nope"}]},
              {"id": 2, "type": "stat", "datasource": {"type": "prometheus", "uid": "elsewhere"},
               "targets": [{"refId": "A", "expr": "sweeps_silo_slots"}]},
              {"id": 3, "type": "table", "title": "sql", "datasource": {"type": "grafana-postgresql-datasource", "uid": "ledger"},
               "targets": [{"refId": "A", "rawSql": "SELECT r.state, r.outcome FROM runs r JOIN results x ON true"}]}
            ]}
            """)!.AsObject();
        var problems = Dashboards.Problems("bad.json", bad, Vocabulary).ToList();
        Assert.Contains(problems, p => p.Contains("metric sweeps_training_steps is not emitted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("label sweeps_sweep is not emitted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("$nope is no variable", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("panel (id 2) has no title", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("data source elsewhere is not provisioned", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("table results is not in the ledger schema", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("table runs has no column outcome", StringComparison.Ordinal));
        Assert.True(problems.Count == 7, string.Join("\n", problems));
    }

    [Fact]
    public void PromQL_reading_finds_metrics_labels_and_functions()
    {
        var usage = PromQl.Read("""histogram_quantile(0.95, sum by (le, op) (rate(a_seconds_bucket{x=~"$v", y!="1,2"}[$__rate_interval]))) / on (op) group_left b_total and c""");
        Assert.Equal(["a_seconds_bucket", "b_total", "c"], usage.Metrics.Order(StringComparer.Ordinal));
        Assert.Equal(["le", "op", "x", "y"], usage.Labels.Order(StringComparer.Ordinal));
        Assert.Equal(["histogram_quantile", "rate", "sum"], usage.Functions.Order(StringComparer.Ordinal));
        var values = PromQl.ReadLabelValues("""label_values(m{s="$sweep"}, sweeps_point)""");
        Assert.Equal(["m"], values.Metrics);
        Assert.Equal(["s", "sweeps_point"], values.Labels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_ledger_schema_is_read_from_the_migrations()
    {
        var schema = Dashboards.LedgerSchema();
        Assert.Equal(["aggregates", "orleans_grain_state", "orleans_membership", "orleans_membership_version", "orleans_reminders",
            "points", "reports", "runs", "silo_slots", "sweeps"], schema.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["completed_at", "point", "ready_at", "result", "state", "step", "sweep"], schema["aggregates"].Order(StringComparer.Ordinal));
        Assert.Contains("i_am_alive_time", schema["orleans_membership"]);
        // Columns added by later migrations count too, and dropped ones (with their tables) do not.
        Assert.Contains("device", schema["points"]);
        Assert.Contains("silo", schema["runs"]);
        Assert.DoesNotContain("checkpoint_step", schema["runs"]);
        Assert.DoesNotContain("token", schema["reports"]);
    }

    [Fact]
    public void The_silo_status_panel_names_every_orleans_silo_status_by_its_value()
    {
        var sql = Dashboards.Panels(Dashboards.All()["cluster.json"]).Single(p => p["title"]!.GetValue<string>() == "Silo status (Orleans membership table)")
            ["targets"]![0]!["rawSql"]!.GetValue<string>();
        var named = Regex.Matches(sql, @"WHEN (\d+) THEN '(\w+)'").ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        Assert.Equal(Enum.GetValues<SiloStatus>().ToDictionary(v => (int)v, v => v.ToString()), named);
    }
}
