using System.Globalization;
using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Aggregates;

namespace OrleansSweeps.Grains.Sweeps;

/// <summary>One (point, recorded step) of a sweep and its aggregate (null until computed).</summary>
public sealed record ResultRow(SweepPoint Point, int Step, AggregateResult? Aggregate)
{
    public double this[string column] => Aggregate?[column] ?? double.NaN;
}

/// <summary>
/// The sweep's results: one row per (point, recorded step) in point then step order, the grid parameters
/// as columns, then the aggregate columns of <see cref="Columns"/> (empty where not recorded).
/// </summary>
public sealed record ResultsTable(IReadOnlyList<string> Axes, IReadOnlyList<ResultRow> Rows)
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "osgr_lhs", "osgr_rhs", "gsnr_mean", "mgs_trace_mean", "mgs_logdet_mean",
        "train_loss_mean", "test_loss_mean", "test_acc_mean", "test_acc_sd",
    ];

    public static ResultsTable Build(string sweep, SweepSpec spec, Func<AggregateId, string?> readAggregate)
    {
        var rows = new List<ResultRow>();
        foreach (var point in spec.Points)
        {
            foreach (var step in point.Spec.Record.Resolve(point.Spec.Training.Steps))
            {
                var id = new AggregateId(sweep, point.Index, step);
                var text = readAggregate(id);
                rows.Add(new ResultRow(point, step, text is null ? null : AggregateResult.Parse(text, $"aggregate {id}")));
            }
        }
        return new ResultsTable(spec.Grid.Select(a => a.Path).ToArray(), rows);
    }

    public IReadOnlyList<string> Header => ["point", .. Axes, "step", .. Columns];

    /// <summary>A row's cells as text, aligned with <see cref="Header"/> (numbers as shortest round-trip text).</summary>
    public static IReadOnlyList<string> Cells(ResultRow row) =>
        [row.Point.Id, .. row.Point.Parameters.Select(p => p.Value), row.Step.ToString(CultureInfo.InvariantCulture),
         .. Columns.Select(c => AggregateResult.FormatValue(row[c]))];

    public string ToCsv()
    {
        var text = new StringBuilder(string.Join(',', Header.Select(Csv.Quote))).Append('\n');
        foreach (var row in Rows) text.Append(string.Join(',', Cells(row).Select(Csv.Quote))).Append('\n');
        return text.ToString();
    }
}

internal static class Csv
{
    public static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
