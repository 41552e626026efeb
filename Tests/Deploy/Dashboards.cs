using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansSweeps.Silo.Cluster.Postgres;
using OrleansSweeps.Silo.Ledger.Postgres;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>The Grafana dashboards under k8s/grafana/dashboards and the checks on their panels and queries.</summary>
public static partial class Dashboards
{
    public static string Folder => Path.Combine(Kustomize.Root, "grafana", "dashboards");

    public static IReadOnlyDictionary<string, JsonObject> All() =>
        Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), f => JsonNode.Parse(File.ReadAllText(f))!.AsObject(), StringComparer.Ordinal);

    /// <summary>uid → type of the provisioned data sources.</summary>
    public static IReadOnlyDictionary<string, string> DataSources() =>
        Yaml.Maps(Yaml.File(Path.Combine(Kustomize.Root, "grafana", "provisioning", "datasources.yaml"))[0], "datasources")
            .ToDictionary(d => Yaml.Str(d, "uid")!, d => Yaml.Str(d, "type")!, StringComparer.Ordinal);

    public sealed record Vocabulary(IReadOnlySet<string> Series, IReadOnlySet<string> Labels, IReadOnlyDictionary<string, string> DataSources);

    /// <summary>
    /// What the code emits (the product's instruments and the Orleans ones of <see cref="OrleansMetrics"/>), named as
    /// the collector exposes it, plus the labels Prometheus and the exporter add.
    /// </summary>
    public static Vocabulary Emitted(string repoRoot)
    {
        var series = PrometheusNames.Emitted().Concat(OrleansMetrics.All.Select(m => m.Instrument))
            .SelectMany(PrometheusNames.Series).ToHashSet(StringComparer.Ordinal);
        var labels = PrometheusNames.EmittedAttributes(repoRoot).Concat(OrleansMetrics.All.SelectMany(m => m.Attributes))
            .Select(PrometheusNames.Label).ToHashSet(StringComparer.Ordinal);
        labels.UnionWith(["job", "instance", "le", "otel_scope_name", "otel_scope_version"]);
        return new Vocabulary(series, labels, DataSources());
    }

    public static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        (dashboard["panels"]?.AsArray() ?? []).OfType<JsonObject>()
            .SelectMany(p => p["type"]?.GetValue<string>() == "row" ? (p["panels"]?.AsArray() ?? []).OfType<JsonObject>() : [p]);

    public static IEnumerable<string> Problems(string name, JsonObject dashboard, Vocabulary vocabulary)
    {
        if (string.IsNullOrWhiteSpace(dashboard["uid"]?.GetValue<string>())) yield return $"{name}: no uid";
        if (string.IsNullOrWhiteSpace(dashboard["title"]?.GetValue<string>())) yield return $"{name}: no title";
        var variables = (dashboard["templating"]?["list"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
        var variableNames = variables.Select(v => v["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var variable in variables.Where(v => v["type"]?.GetValue<string>() == "query"))
        {
            var where = $"{name}: variable {variable["name"]}";
            var query = variable["query"] is JsonObject q ? q["query"]?.GetValue<string>() : variable["query"]?.GetValue<string>();
            foreach (var p in DataSourceProblems(where, variable["datasource"], vocabulary)) yield return p;
            if (string.IsNullOrWhiteSpace(query)) { yield return $"{where}: no query"; continue; }
            foreach (var p in PromQlProblems(where, PromQl.ReadLabelValues(query), vocabulary)) yield return p;
        }
        var panels = Panels(dashboard).ToList();
        if (panels.Count == 0) yield return $"{name}: no panels";
        foreach (var panel in panels)
        {
            var title = panel["title"]?.GetValue<string>();
            var where = $"{name}: panel '{title}'";
            if (string.IsNullOrWhiteSpace(title)) yield return $"{name}: a panel (id {panel["id"]}) has no title";
            foreach (var p in DataSourceProblems(where, panel["datasource"], vocabulary)) yield return p;
            var panelUid = panel["datasource"]?["uid"]?.GetValue<string>();
            var targets = (panel["targets"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
            if (targets.Count == 0) yield return $"{where}: no queries";
            foreach (var target in targets)
            {
                var uid = target["datasource"]?["uid"]?.GetValue<string>() ?? panelUid;
                if (uid != panelUid) yield return $"{where}: query {target["refId"]} uses data source {uid}, the panel {panelUid}";
                var type = uid is null ? null : vocabulary.DataSources.GetValueOrDefault(uid);
                if (type is null) continue; // reported with the data source
                var text = type == "prometheus" ? target["expr"]?.GetValue<string>() : target["rawSql"]?.GetValue<string>();
                if (string.IsNullOrWhiteSpace(text)) { yield return $"{where}: query {target["refId"]} is empty"; continue; }
                foreach (Match m in Variable().Matches(text))
                {
                    var v = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                    if (!v.StartsWith("__", StringComparison.Ordinal) && !variableNames.Contains(v)) yield return $"{where}: ${v} is no variable of the dashboard";
                }
                if (type == "prometheus")
                {
                    foreach (var p in PromQlProblems($"{where} query {target["refId"]}", PromQl.Read(text), vocabulary)) yield return p;
                }
                else
                {
                    foreach (var p in SqlProblems($"{where} query {target["refId"]}", text)) yield return p;
                }
            }
        }
    }

    private static IEnumerable<string> DataSourceProblems(string where, JsonNode? datasource, Vocabulary vocabulary)
    {
        var uid = datasource?["uid"]?.GetValue<string>();
        var type = datasource?["type"]?.GetValue<string>();
        if (uid is null) yield return $"{where}: no data source";
        else if (!vocabulary.DataSources.TryGetValue(uid, out var provisioned)) yield return $"{where}: data source {uid} is not provisioned";
        else if (provisioned != type) yield return $"{where}: data source {uid} is a {provisioned}, not a {type}";
    }

    private static IEnumerable<string> PromQlProblems(string where, PromQl.Usage usage, Vocabulary vocabulary)
    {
        if (usage.Metrics.Count == 0) yield return $"{where}: names no metric";
        foreach (var metric in usage.Metrics.Where(m => !vocabulary.Series.Contains(m))) yield return $"{where}: metric {metric} is not emitted";
        foreach (var label in usage.Labels.Where(l => !vocabulary.Labels.Contains(l))) yield return $"{where}: label {label} is not emitted";
        foreach (var function in usage.Functions.Where(f => !PromQl.Functions.Contains(f))) yield return $"{where}: unknown function {function}";
    }

    /// <summary>Tables (after FROM/JOIN, with their aliases) and alias.column references against the ledger's schema.</summary>
    public static IEnumerable<string> SqlProblems(string where, string sql)
    {
        var schema = LedgerSchema();
        sql = StringLiteral().Replace(Comment().Replace(sql, ""), "''");
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in TableReference().Matches(sql))
        {
            var table = m.Groups[1].Value;
            if (!schema.ContainsKey(table)) { yield return $"{where}: table {table} is not in the ledger schema"; continue; }
            aliases[m.Groups[2].Success ? m.Groups[2].Value : table] = table;
        }
        if (aliases.Count == 0) yield return $"{where}: reads no table";
        foreach (Match m in ColumnReference().Matches(sql))
        {
            var (alias, column) = (m.Groups[1].Value, m.Groups[2].Value);
            if (!aliases.TryGetValue(alias, out var table)) yield return $"{where}: {alias}.{column}: unknown table or alias {alias}";
            else if (!schema[table].Contains(column)) yield return $"{where}: {alias}.{column}: table {table} has no column {column}";
        }
    }

    /// <summary>
    /// table → columns, from the CREATE TABLE, ALTER TABLE … ADD / DROP COLUMN and DROP TABLE statements of PostgresSchema's migrations and
    /// of OrleansPostgresSchema's (the Orleans providers' tables live in the same database, so a panel may read the
    /// membership table).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> LedgerSchema()
    {
        var tables = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var sql in PostgresSchema.Migrations.Select(m => m.Sql).Concat(OrleansPostgresSchema.Migrations.Select(m => m.Sql)))
        {
            foreach (Match m in CreateTable().Matches(sql))
            {
                var columns = new HashSet<string>(StringComparer.Ordinal);
                var depth = 0;
                var start = 0;
                var body = m.Groups[2].Value;
                for (var i = 0; i <= body.Length; i++)
                {
                    if (i < body.Length && body[i] == '(') depth++;
                    else if (i < body.Length && body[i] == ')') depth--;
                    else if (i == body.Length || (body[i] == ',' && depth == 0))
                    {
                        var first = body[start..i].Trim().Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                        if (first is not null && first.ToUpperInvariant() is not ("PRIMARY" or "FOREIGN" or "CHECK" or "UNIQUE" or "CONSTRAINT")) columns.Add(first);
                        start = i + 1;
                    }
                }
                tables[m.Groups[1].Value] = columns;
            }
            foreach (Match m in AddColumn().Matches(sql))
                tables[m.Groups[1].Value] = new HashSet<string>(tables[m.Groups[1].Value], StringComparer.Ordinal) { m.Groups[2].Value };
            foreach (Match m in DropColumn().Matches(sql))
                tables[m.Groups[1].Value] = tables[m.Groups[1].Value].Where(c => c != m.Groups[2].Value).ToHashSet(StringComparer.Ordinal);
            foreach (Match m in DropTable().Matches(sql)) tables.Remove(m.Groups[1].Value);
        }
        return tables;
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)(?:\s+(?:AS\s+)?(?!WHERE\b|JOIN\b|ON\b|LEFT\b|INNER\b|ORDER\b|GROUP\b)([a-z_][a-z0-9_]*))?", RegexOptions.IgnoreCase)]
    private static partial Regex TableReference();

    [GeneratedRegex(@"\b([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\b")]
    private static partial Regex ColumnReference();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+) \((.*?)\);", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"ALTER TABLE ([a-z_]+) ADD COLUMN ([a-z_]+)")]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"ALTER TABLE ([a-z_]+) DROP COLUMN ([a-z_]+)")]
    private static partial Regex DropColumn();

    [GeneratedRegex(@"DROP TABLE ([a-z_]+)")]
    private static partial Regex DropTable();
}
