using System.Globalization;
using System.Text;
using OrleansSweeps.Grains.Aggregates;

namespace OrleansSweeps.Grains.Sweeps;

/// <summary>
/// Across a sweep's points at one recorded step (SCIENCE.md §2): how OSGR's left-hand side (eq. 23) follows its
/// right-hand side (eq. 19): Pearson correlation c and the least-squares line lhs ≈ slope · rhs + intercept,
/// over the points where both are defined. NaN where fewer than 2 points or no spread.
/// </summary>
public sealed record OsgrCorrelation(int Step, int Points, double Pearson, double Slope, double Intercept)
{
    public const string CsvHeader = "step,points,pearson,slope,intercept";

    public static IReadOnlyList<OsgrCorrelation> Of(ResultsTable table) =>
        table.Rows.GroupBy(r => r.Step).OrderBy(g => g.Key).Select(g =>
        {
            // Points in point order, so the sums are always taken in the same order.
            var pairs = g.OrderBy(r => r.Point.Index).Select(r => (X: r["osgr_rhs"], Y: r["osgr_lhs"]))
                .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            return Fit(g.Key, pairs);
        }).ToArray();

    public static OsgrCorrelation Fit(int step, IReadOnlyList<(double X, double Y)> pairs)
    {
        var n = pairs.Count;
        if (n < 2) return new OsgrCorrelation(step, n, double.NaN, double.NaN, double.NaN);
        double sx = 0, sy = 0;
        foreach (var (x, y) in pairs)
        {
            sx += x;
            sy += y;
        }
        double mx = sx / n, my = sy / n, sxx = 0, syy = 0, sxy = 0;
        foreach (var (x, y) in pairs)
        {
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
            sxy += (x - mx) * (y - my);
        }
        var slope = sxx == 0 ? double.NaN : sxy / sxx;
        var pearson = sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
        return new OsgrCorrelation(step, n, pearson, slope, double.IsNaN(slope) ? double.NaN : my - slope * mx);
    }

    public static string ToCsv(IEnumerable<OsgrCorrelation> rows)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in rows)
        {
            text.Append(string.Join(',', r.Step.ToString(CultureInfo.InvariantCulture), r.Points.ToString(CultureInfo.InvariantCulture),
                AggregateResult.FormatValue(r.Pearson), AggregateResult.FormatValue(r.Slope), AggregateResult.FormatValue(r.Intercept))).Append('\n');
        }
        return text.ToString();
    }
}
