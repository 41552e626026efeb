using System.Globalization;
using System.Xml.Linq;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Client.Reports.Sections;
using OrleansSweeps.Grains.Sweeps;
using static OrleansSweeps.Tests.Client.Reports.FigureReader;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>The OSGR figure: every step in one square scatter, colour for the point, shape for the step, both printed in its legend.</summary>
public sealed class OsgrScatterTests
{
    // Three points at steps 0 and 10 (given out of order, as nothing promises an order).
    private static readonly OsgrMarker[] Markers =
    [
        new(0, "real labels", 10, 0.8, 0.75), new(0, "real labels", 0, 0.9, 0.95),
        new(1, "label noise 0.5", 0, 0.4, 0.5), new(1, "label noise 0.5", 10, 0.2, -0.1),
        new(2, "random labels", 0, 0.1, 0.0), new(2, "random labels", 10, -0.2, -0.6),
    ];

    private static IReadOnlyList<OsgrCorrelation> Fits(IEnumerable<OsgrMarker> markers) =>
        markers.GroupBy(m => m.Step).OrderBy(g => g.Key).Select(g => OsgrCorrelation.Fit(g.Key, g.OrderBy(m => m.Point).Select(m => (m.Rhs, m.Lhs)).ToArray())).ToArray();

    [Fact]
    public void Every_step_is_one_square_figure_with_colour_per_point_and_shape_per_step()
    {
        var spec = OsgrScatter.Figure(Markers, Fits(Markers));
        Assert.True(spec.Square);
        var figure = FigurePlot.Build(spec);
        var drawn = figure.Plot.GetPlottables<ScottPlot.Plottables.Markers>().Select(m => (m.Color.ToHex().ToLowerInvariant(), m.MarkerShape, m.Data.GetScatterPoints().Single())).ToArray();
        Assert.Equal(Markers.Length, drawn.Length);
        foreach (var m in Markers)
        {
            var shape = m.Step == 0 ? ScottPlot.MarkerShape.FilledCircle : ScottPlot.MarkerShape.FilledSquare;
            Assert.Contains((Palette.Of(m.Point), shape, new ScottPlot.Coordinates(m.Rhs, m.Lhs)), drawn);
        }
        var svg = XElement.Parse(FigureSvg.Render(spec));
        var area = PlotArea(svg);
        Assert.Equal(area.Width, area.Height, 0.5);
    }

    [Fact]
    public void The_legend_prints_each_points_label_and_each_steps_shape_with_its_fit()
    {
        var fits = Fits(Markers);
        var texts = Texts(XElement.Parse(FigureSvg.Render(OsgrScatter.Figure(Markers, fits))));
        string[] expected =
        [
            OsgrScatter.PointsHeading, "real labels", "label noise 0.5", "random labels",
            OsgrScatter.StepsHeading, OsgrScatter.StepLabel(0, fits[0]), OsgrScatter.StepLabel(10, fits[1]), "y = x",
        ];
        Assert.Equal(expected, texts.Where(expected.Contains));
        // The fit is that of OsgrCorrelation (the numbers of `sweeps results --correlations`), to 3 decimals.
        var fit = fits[1];
        Assert.Equal($"step 10: c = {F3(fit.Pearson)}, y = {F3(fit.Slope)}x {(fit.Intercept < 0 ? "−" : "+")} {F3(Math.Abs(fit.Intercept))}", OsgrScatter.StepLabel(10, fit));
        Assert.Equal("step 40", OsgrScatter.StepLabel(40, OsgrCorrelation.Fit(40, [(0.1, 0.2)]))); // one point: no fit
    }

    [Fact]
    public void A_points_markers_are_joined_in_step_order_by_a_thin_line_of_its_colour()
    {
        var lines = OsgrScatter.Figure(Markers, Fits(Markers)).Series.Where(s => s.Style == SeriesStyle.ThinLine).ToArray();
        Assert.Equal([Palette.Of(0), Palette.Of(1), Palette.Of(2)], lines.Select(l => l.Color));
        Assert.Equal([new PlotPoint(0.9, 0.95), new PlotPoint(0.8, 0.75)], lines[0].Points);
        Assert.All(lines, l => Assert.False(l.InLegend));
    }

    [Fact]
    public void More_steps_than_shapes_share_them_and_the_legend_row_names_every_step_of_a_shape()
    {
        var steps = Enumerable.Range(0, OsgrScatter.StepShapes.Count + 2).Select(i => i * 10).ToArray();
        var markers = steps.SelectMany(s => new[] { new OsgrMarker(0, "a", s, 0.1 * s, 0.1 * s), new OsgrMarker(1, "b", s, 0.2, 0.1) }).ToArray();
        var spec = OsgrScatter.Figure(markers, Fits(markers));
        var stepRows = spec.Legend!.SkipWhile(r => r.Label != OsgrScatter.StepsHeading).Skip(1).SkipLast(1).ToArray();
        Assert.Equal(OsgrScatter.StepShapes, stepRows.Select(r => r.Marker));
        Assert.StartsWith("step 0: ", stepRows[0].Label);
        Assert.Contains($"; step {steps[^2]}: ", stepRows[0].Label);
        Assert.Equal(OsgrScatter.StepShapes[1], OsgrScatter.Shape(steps, steps[^1]));
    }

    private static string F3(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
