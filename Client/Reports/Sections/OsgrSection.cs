using OrleansSweeps.Grains.Sweeps;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>
/// OSGR's left-hand side (eq. 23, from one-step loss changes) against its right-hand side (eq. 19, from the
/// gradient moments): one square scatter of every recorded step (<see cref="OsgrScatter"/>), and per step the
/// least-squares line and Pearson c of <see cref="OsgrCorrelation"/> (the numbers of <c>sweeps results --correlations</c>);
/// the GSNR paper's figs. 2–4.
/// </summary>
internal static class OsgrSection
{
    public static ReportSection Build(ReportData data)
    {
        var fits = OsgrCorrelation.Of(data.Results);
        // Points in point order within a step, as OsgrCorrelation.Of takes them.
        var markers = data.Results.Rows.OrderBy(r => r.Step).ThenBy(r => r.Point.Index)
            .Select(r => new OsgrMarker(r.Point.Index, PointLabels.Of(r.Point), r.Step, r["osgr_rhs"], r["osgr_lhs"]))
            .Where(m => double.IsFinite(m.Rhs) && double.IsFinite(m.Lhs)).ToArray();
        var empty = data.Results.Rows.Select(r => r.Step).Distinct().Order().Where(s => markers.All(m => m.Step != s)).ToArray();
        var section = new ReportSection("osgr", "OSGR: left-hand vs right-hand side",
            "Each marker is one sweep point (its M replicates) at one recorded step: its colour is the point, its shape the step; "
            + "a thin line joins a point's steps in order. The legend gives each step's Pearson c and least-squares line, as the table below.");
        if (markers.Length == 0)
        {
            return section with
            {
                Notes = ["OSGR scatter omitted: no recorded step has both sides (eq. 23 needs optimizer gd, eq. 19 needs stats.moments)"
                    + (data.AggregatesPending > 0 ? ", or their aggregates are still pending" : "")],
            };
        }
        var table = new ReportTable("osgr-correlations", "Per recorded step: points, Pearson c of R_lhs and R_rhs, and the least squares of R_lhs on R_rhs (R_lhs ≈ slope · R_rhs + intercept)",
            OsgrCorrelation.CsvHeader.Split(','),
            fits.Select(f => (IReadOnlyList<string>)[Markup.Int(f.Step), Markup.Int(f.Points), Markup.Short(f.Pearson), Markup.Short(f.Slope), Markup.Short(f.Intercept)]).ToArray(),
            OsgrCorrelation.ToCsv(fits));
        return section with
        {
            Figures = [OsgrScatter.Figure(markers, fits)],
            Tables = [table],
            Notes = empty.Length == 0 ? [] : [$"Not drawn: step {string.Join(", ", empty)}, where no point has both sides (the last step has no next update, so no lhs)."],
        };
    }
}
