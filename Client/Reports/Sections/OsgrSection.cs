using System.Globalization;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Grains.Sweeps;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>
/// OSGR's left-hand side (eq. 23, from one-step loss changes) against its right-hand side (eq. 19, from the
/// gradient moments), one scatter per recorded step with the y = x line and the least-squares line and Pearson c
/// of <see cref="OsgrCorrelation"/> (the numbers of <c>sweeps results --correlations</c>); the GSNR paper's fig. 2–4.
/// </summary>
internal static class OsgrSection
{
    public const string XLabel = "R_rhs: 1 − Σρ² / (n·ΣE[g²])  (eq. 19, dimensionless)";
    public const string YLabel = "R_lhs: ΔL_test / ΔL_train  (eq. 23, dimensionless)";

    public static ReportSection Build(ReportData data)
    {
        var fits = OsgrCorrelation.Of(data.Results);
        var figures = new List<FigureSpec>();
        var empty = new List<int>();
        foreach (var step in data.Results.Rows.Select(r => r.Step).Distinct().Order())
        {
            var points = data.Results.Rows.Where(r => r.Step == step).OrderBy(r => r.Point.Index)
                .Select(r => (Label: PointLabels.Of(r.Point), Rhs: r["osgr_rhs"], Lhs: r["osgr_lhs"]))
                .Where(p => double.IsFinite(p.Rhs) && double.IsFinite(p.Lhs)).ToArray();
            if (points.Length == 0) empty.Add(step);
            else figures.Add(Scatter(step, points));
        }
        var notes = new List<string>();
        if (figures.Count == 0)
        {
            notes.Add("OSGR scatter omitted: no recorded step has both sides (eq. 23 needs optimizer gd, eq. 19 needs stats.moments)"
                + (data.AggregatesPending > 0 ? ", or their aggregates are still pending" : ""));
        }
        else if (empty.Count > 0)
        {
            notes.Add($"No scatter at step {string.Join(", ", empty)}: no point has both sides there (the last step has no next update, so no lhs).");
        }
        var table = new ReportTable("osgr-correlations", "Per recorded step: points, Pearson c of R_lhs and R_rhs, and the least squares of R_lhs on R_rhs (R_lhs ≈ slope · R_rhs + intercept)",
            OsgrCorrelation.CsvHeader.Split(','),
            fits.Select(f => (IReadOnlyList<string>)[Markup.Int(f.Step), Markup.Int(f.Points), Markup.Short(f.Pearson), Markup.Short(f.Slope), Markup.Short(f.Intercept)]).ToArray(),
            OsgrCorrelation.ToCsv(fits));
        return new ReportSection("osgr", "OSGR: left-hand vs right-hand side", "Each marker is one sweep point (its M replicates).")
        {
            Figures = figures,
            Tables = figures.Count > 0 ? [table] : [],
            Notes = notes,
        };
    }

    /// <summary>The scatter of one step, points in point order (so the fit is bitwise that of <see cref="OsgrCorrelation.Of"/>).</summary>
    public static FigureSpec Scatter(int step, IReadOnlyList<(string Label, double Rhs, double Lhs)> points)
    {
        var fit = OsgrCorrelation.Fit(step, points.Select(p => (p.Rhs, p.Lhs)).ToArray());
        var markers = new PlotSeries($"sweep points (k = {points.Count})", Palette.Of(0), SeriesStyle.Markers,
            points.Select(p => new PlotPoint(p.Rhs, p.Lhs)).ToArray());
        GuideLine[] guides = double.IsFinite(fit.Slope)
            ? [Diagonal, new GuideLine(FitLabel(fit), Palette.Fit, false, fit.Slope, fit.Intercept)]
            : [Diagonal];
        return new FigureSpec($"osgr-step-{step}", $"OSGR at step {step}: R_lhs vs R_rhs", XLabel, YLabel, [markers])
        {
            Guides = guides,
            Square = true,
        };
    }

    /// <summary>The least-squares line's legend text: slope, intercept and Pearson c to 3 decimals.</summary>
    public static string FitLabel(OsgrCorrelation fit) =>
        $"fit: y = {fit.Slope.ToString("0.000", CultureInfo.InvariantCulture)}x "
        + $"{(fit.Intercept < 0 ? "−" : "+")} {Math.Abs(fit.Intercept).ToString("0.000", CultureInfo.InvariantCulture)}, "
        + $"c = {fit.Pearson.ToString("0.000", CultureInfo.InvariantCulture)}";

    private static GuideLine Diagonal => new("y = x", Palette.Diagonal, true, 1, 0);
}
