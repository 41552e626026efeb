using System.Globalization;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Grains.Sweeps;
using MarkerShape = ScottPlot.MarkerShape;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>One marker of the OSGR figure: a sweep point (its M replicates) at a recorded step where it has both sides.</summary>
internal sealed record OsgrMarker(int Point, string Label, int Step, double Rhs, double Lhs);

/// <summary>
/// The OSGR figure: every recorded step in one square scatter of R_lhs against R_rhs, on equal axes with y = x.
/// A marker's colour is its grid point (the palette colour the point has in every figure) and its shape is its step;
/// each point's markers are joined in step order by a thin line of its colour.
/// <para>
/// Why a shape per step rather than only a line through the steps with the first one marked: the GSNR paper reads
/// the scatter step by step (its figs. 2–4 are one panel per epoch), and a shape says its step on its own, in print
/// and in grey scale, where a marker in the middle of a line would have to be counted along it, and lines cross.
/// The thin line adds the order of the steps. The protocols record 4 or 5 steps, well within the
/// <see cref="StepShapes"/>; more steps reuse shapes, and the legend row of a shape names all its steps.
/// </para>
/// </summary>
internal static class OsgrScatter
{
    public const string Id = "osgr";
    public const string XLabel = "R_rhs: 1 − Σρ² / (n·ΣE[g²])  (eq. 19, dimensionless)";
    public const string YLabel = "R_lhs: ΔL_test / ΔL_train  (eq. 23, dimensionless)";
    public const string PointsHeading = "colour: grid point";
    public const string StepsHeading = "shape: recorded step";

    /// <summary>Filled shapes first, then open ones: told apart at 8 px, in colour or grey.</summary>
    public static readonly IReadOnlyList<MarkerShape> StepShapes =
    [
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp,
        MarkerShape.OpenDiamond, MarkerShape.Cross,
    ];

    /// <summary>
    /// The figure of <paramref name="markers"/>, with the legend row of each step naming its fit (the least squares of
    /// R_lhs on R_rhs and Pearson c of <paramref name="fits"/>, the numbers of <c>sweeps results --correlations</c>).
    /// </summary>
    public static FigureSpec Figure(IReadOnlyList<OsgrMarker> markers, IReadOnlyList<OsgrCorrelation> fits)
    {
        var steps = markers.Select(m => m.Step).Distinct().Order().ToArray();
        var points = markers.GroupBy(m => m.Point).OrderBy(g => g.Key).ToArray();
        var series = new List<PlotSeries>();
        foreach (var point in points)
        {
            var color = Palette.Of(point.Key);
            var inOrder = point.OrderBy(m => m.Step).ToArray();
            series.Add(new PlotSeries(inOrder[0].Label, color, SeriesStyle.ThinLine, inOrder.Select(m => new PlotPoint(m.Rhs, m.Lhs)).ToArray()) { InLegend = false });
            series.AddRange(inOrder.Select(m => new PlotSeries($"{m.Label}, step {Markup.Int(m.Step)}", color, SeriesStyle.Markers, [new PlotPoint(m.Rhs, m.Lhs)])
            {
                Marker = Shape(steps, m.Step),
                InLegend = false,
            }));
        }
        var diagonal = new GuideLine("y = x", Palette.Diagonal, true, 1, 0);
        List<LegendRow> legend = [new(PointsHeading), .. points.Select(p => new LegendRow(p.First().Label, Palette.Of(p.Key), MarkerShape.FilledCircle, Line: true)), new(StepsHeading)];
        for (var s = 0; s < Math.Min(steps.Length, StepShapes.Count); s++)
        {
            var sharing = steps.Where((_, i) => i % StepShapes.Count == s).Select(t => StepLabel(t, fits.FirstOrDefault(f => f.Step == t)));
            legend.Add(new LegendRow(string.Join("; ", sharing), Palette.Text, StepShapes[s]));
        }
        legend.Add(new LegendRow(diagonal.Label, diagonal.Color, Line: true, Dashed: true));
        return new FigureSpec(Id, "OSGR at each recorded step: R_lhs vs R_rhs", XLabel, YLabel, series)
        {
            Guides = [diagonal],
            Legend = legend,
            Square = true,
        };
    }

    public static MarkerShape Shape(IReadOnlyList<int> steps, int step) => StepShapes[steps.ToList().IndexOf(step) % StepShapes.Count];

    /// <summary>"step 20: c = 0.972, y = 0.910x + 0.163": the step, Pearson c and the least-squares line to 3 decimals.</summary>
    public static string StepLabel(int step, OsgrCorrelation? fit)
    {
        var label = $"step {Markup.Int(step)}";
        if (fit is null || !double.IsFinite(fit.Pearson)) return label;
        return label + $": c = {Fixed(fit.Pearson)}, y = {Fixed(fit.Slope)}x {(fit.Intercept < 0 ? "−" : "+")} {Fixed(Math.Abs(fit.Intercept))}";
    }

    private static string Fixed(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
