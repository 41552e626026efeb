using System.Text.RegularExpressions;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// Just enough PromQL reading to list the metric names and label names an expression uses: Grafana variables
/// and string literals are blanked, range selectors dropped; an identifier before '(' is a function (or, after
/// by/without/on/ignoring/group_left/group_right, a list of labels); before '{' or standing alone, a metric.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Grouping = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right" };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan" };

    /// <summary>Functions the dashboards may call; anything else before '(' is reported as unknown.</summary>
    public static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
        "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "last_over_time", "max_over_time",
        "min_over_time", "avg_over_time", "sum_over_time", "count_over_time", "clamp_min", "clamp_max", "clamp", "abs",
        "label_replace", "label_join", "vector", "scalar", "time", "timestamp", "absent", "sort", "sort_desc", "round",
        "label_values",
    };

    public sealed record Usage(IReadOnlySet<string> Metrics, IReadOnlySet<string> Labels, IReadOnlySet<string> Functions);

    public static Usage Read(string expression)
    {
        var text = StringLiteral().Replace(expression, "\"\"");
        text = GrafanaVariable().Replace(text, "0");
        text = RangeSelector().Replace(text, "");
        var metrics = new HashSet<string>(StringComparer.Ordinal);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var functions = new HashSet<string>(StringComparer.Ordinal);
        var tokens = Token().Matches(text).Select(m => m.Value).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var next = i + 1 < tokens.Count ? tokens[i + 1] : "";
            if (t == "{")
            {
                // matchers: label op "" (, label op "")*
                for (i++; i < tokens.Count && tokens[i] != "}"; i++)
                {
                    if (IsIdentifier(tokens[i]) && i + 1 < tokens.Count && tokens[i + 1] is "=" or "!=" or "=~" or "!~") labels.Add(tokens[i]);
                }
                continue;
            }
            if (!IsIdentifier(t)) continue;
            if (Grouping.Contains(t))
            {
                if (next != "(") continue;
                for (i += 2; i < tokens.Count && tokens[i] != ")"; i++)
                {
                    if (IsIdentifier(tokens[i])) labels.Add(tokens[i]);
                }
                continue;
            }
            // an aggregation written `sum by (…) (…)` or `sum without (…) (…)`
            if (next == "(" || next is "by" or "without") { functions.Add(t); continue; }
            if (Keywords.Contains(t)) continue;
            metrics.Add(t);
        }
        return new Usage(metrics, labels, functions);
    }

    /// <summary><c>label_values(selector, label)</c> of a Grafana query variable: the selector's usage plus the label.</summary>
    public static Usage ReadLabelValues(string query)
    {
        var m = LabelValues().Match(query);
        if (!m.Success) return Read(query);
        var inner = Read(m.Groups[1].Value);
        var labels = new HashSet<string>(inner.Labels, StringComparer.Ordinal) { m.Groups[2].Value };
        return new Usage(inner.Metrics, labels, inner.Functions);
    }

    private static bool IsIdentifier(string token) => token.Length > 0 && (char.IsAsciiLetter(token[0]) || token[0] is '_' or ':');

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"""""|[A-Za-z_:][A-Za-z0-9_:]*|=~|!~|!=|==|>=|<=|[0-9.]+(?:e[+-]?[0-9]+)?|\S")]
    private static partial Regex Token();

    [GeneratedRegex(@"^\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")]
    private static partial Regex LabelValues();
}
