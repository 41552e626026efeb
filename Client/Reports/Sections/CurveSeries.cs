using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>Curves over recorded steps, one per sweep point: from the aggregates (replicate means) or averaged over per-run curves.</summary>
internal static class CurveSeries
{
    public const string StepLabel = "step (parameter updates)";

    /// <summary>One series per point that has a finite value of the aggregate <paramref name="column"/> at some step.</summary>
    public static IReadOnlyList<PlotSeries> FromAggregates(ReportData data, string column)
    {
        var series = new List<PlotSeries>();
        foreach (var group in data.Results.Rows.GroupBy(r => r.Point.Index).OrderBy(g => g.Key))
        {
            var points = group.OrderBy(r => r.Step).Select(r => new PlotPoint(r.Step, r[column])).ToArray();
            if (points.Any(p => double.IsFinite(p.Y)))
                series.Add(new PlotSeries(PointLabels.Of(group.First().Point), Palette.Of(group.Key), SeriesStyle.LineAndMarkers, points));
        }
        return series;
    }

    /// <summary>
    /// Mean over a point's completed replicates (in replicate order) of <paramref name="value"/> at each recorded
    /// step, over the replicates where it is finite; steps where none is finite are NaN (they break the line).
    /// </summary>
    public static IReadOnlyList<PlotPoint> MeanOverReplicates(PointRuns runs, Func<CurveRow, double> value) =>
        runs.Completed.SelectMany(c => c).GroupBy(r => r.Step).OrderBy(g => g.Key).Select(g =>
        {
            var finite = g.Select(value).Where(double.IsFinite).ToArray();
            return new PlotPoint(g.Key, finite.Length == 0 ? double.NaN : finite.Sum() / finite.Length);
        }).ToArray();

    /// <summary>
    /// For each point with completed runs, one series per (suffix, value, style): a point keeps its colour, the
    /// quantities differ by line style. Series without a finite value are left out.
    /// </summary>
    public static IReadOnlyList<PlotSeries> FromRuns(ReportData data, params (string Suffix, Func<CurveRow, double> Value, SeriesStyle Style)[] quantities)
    {
        var series = new List<PlotSeries>();
        foreach (var runs in data.Points.Where(p => p.Completed.Count > 0))
        {
            foreach (var (suffix, value, style) in quantities)
            {
                var points = MeanOverReplicates(runs, value);
                if (points.Any(p => double.IsFinite(p.Y)))
                    series.Add(new PlotSeries(PointLabels.Of(runs.Point) + suffix, Palette.Of(runs.Point.Index), style, points));
            }
        }
        return series;
    }
}
