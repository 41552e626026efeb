using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrleansSweeps.Client.Reports.Plotting;
using static OrleansSweeps.Tests.Client.Reports.FigureReader;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>The figures as ScottPlot draws them for the page: where values land, log axes, square scatters, ids, escaping.</summary>
public sealed class FigureSvgTests
{
    // rhs, lhs: every value lies in [0.1, 0.9].
    private static readonly PlotPoint[] Points = [new(0.1, 0.2), new(0.4, 0.35), new(0.7, 0.8), new(0.9, 0.6)];

    private static FigureSpec Scatter(params PlotPoint[] points) =>
        new("scatter", "A scatter", "rhs", "lhs", [new PlotSeries("points", Palette.Of(0), SeriesStyle.Markers, points)])
        {
            Guides = [new GuideLine("y = x", Palette.Diagonal, true, 1, 0)],
            Square = true,
        };

    [Fact]
    public void A_square_scatter_has_one_range_on_both_axes_a_square_plot_area_and_markers_where_their_values_are()
    {
        var svg = XElement.Parse(FigureSvg.Render(Scatter(Points)));
        var area = PlotArea(svg);
        Assert.Equal(area.Width, area.Height, 0.5);

        // Both axes span [0.1, 0.9] widened by 6% of the range on each side.
        double lo = 0.1 - 0.06 * 0.8, hi = 0.9 + 0.06 * 0.8;
        var circles = Circles(svg, Palette.Of(0));
        Assert.Equal(Points.Length, circles.Count);
        for (var i = 0; i < Points.Length; i++)
        {
            Assert.Equal(area.X + (Points[i].X - lo) / (hi - lo) * area.Width, circles[i].X, 0.5);
            Assert.Equal(area.Y + area.Height - (Points[i].Y - lo) / (hi - lo) * area.Height, circles[i].Y, 0.5);
        }
    }

    [Fact]
    public void No_marker_of_a_square_scatter_touches_the_frame_even_at_zero()
    {
        // A point at lhs = 0 and rhs = 0 sat on the old axes' ends, half its marker cut away.
        var svg = XElement.Parse(FigureSvg.Render(Scatter(new(0, 0), new(0.5, 0.02), new(1.2, 0.9))));
        var area = PlotArea(svg);
        var circles = Circles(svg, Palette.Of(0));
        Assert.Equal(3, circles.Count);
        var room = FigurePlot.MarkerSize / 2 + 1;
        Assert.All(circles, c =>
        {
            Assert.InRange(c.X, area.X + room, area.X + area.Width - room);
            Assert.InRange(c.Y, area.Y + room, area.Y + area.Height - room);
        });
    }

    [Fact]
    public void The_identity_line_runs_corner_to_corner_of_a_square_scatter()
    {
        var figure = FigurePlot.Build(Scatter(Points));
        figure.Plot.RenderInMemory(figure.Width, figure.Height);
        var limits = figure.Plot.Axes.GetLimits();
        Assert.Equal(limits.Left, limits.Bottom, 12);
        Assert.Equal(limits.Right, limits.Top, 12);
        var diagonal = figure.Plot.GetPlottables<ScottPlot.Plottables.LinePlot>().Single();
        Assert.Equal((limits.Left, limits.Left), (diagonal.Start.X, diagonal.Start.Y));
        Assert.Equal((limits.Right, limits.Right), (diagonal.End.X, diagonal.End.Y));
    }

    [Fact]
    public void A_quantity_spanning_decades_gets_a_log_axis_with_decade_ticks()
    {
        var series = new PlotSeries("trace", Palette.Of(0), SeriesStyle.LineAndMarkers, [new(0, 0.5), new(10, 40), new(20, 3000)]);
        var spec = new FigureSpec("t", "Trace", "step", "trace", [series]);
        var texts = Texts(XElement.Parse(FigureSvg.Render(spec)));
        Assert.Contains("10⁰", texts);
        Assert.Contains("10³", texts);
        Assert.DoesNotContain("3000", texts);
        Assert.Contains("20", texts); // the x axis stays linear

        // 40 is plotted at log10(40) of a log axis.
        var figure = FigurePlot.Build(spec);
        figure.Plot.RenderInMemory(figure.Width, figure.Height);
        var markers = figure.Plot.GetPlottables<ScottPlot.Plottables.Markers>().Single();
        Assert.Equal(Math.Log10(40), markers.Data.GetScatterPoints()[1].Y, 12);
        Assert.Equal("10⁻²", AxisScale.Decade(-2));
    }

    [Fact]
    public void Log_axes_are_chosen_only_for_positive_values_spanning_two_decades()
    {
        Assert.True(AxisScale.SpansDecades([0.01, 0.5, 3]));
        Assert.False(AxisScale.SpansDecades([0.5, 3]));         // less than 100×
        Assert.False(AxisScale.SpansDecades([-1, 0.01, 500]));  // a negative value cannot go on a log axis
        Assert.False(AxisScale.SpansDecades([0, 0.01, 500]));
        Assert.True(AxisScale.SpansDecades([double.NaN, 1, 1000])); // NaN (not recorded) is ignored
        Assert.False(AxisScale.IsLog(false, [1, 1000]));            // as a figure asks
    }

    [Fact]
    public void A_line_breaks_at_a_value_not_recorded()
    {
        var series = new PlotSeries("gsnr", Palette.Of(2), SeriesStyle.LineAndMarkers, [new(0, 1), new(1, 2), new(2, double.NaN), new(3, 2), new(4, 1)]);
        var figure = FigurePlot.Build(new FigureSpec("g", "GSNR", "step", "gsnr", [series]));
        Assert.Equal(2, figure.Plot.GetPlottables<ScottPlot.Plottables.Scatter>().Count());
        Assert.Equal(4, Circles(XElement.Parse(FigureSvg.Render(new FigureSpec("g", "GSNR", "step", "gsnr", [series]))), Palette.Of(2)).Count);
    }

    [Fact]
    public void Dashed_lines_are_svg_dashes_not_a_path_effect_that_skia_cannot_export()
    {
        var dashed = new PlotSeries("corrupt", Palette.Of(1), SeriesStyle.DashedLine, [new(0, 0.2), new(1, 0.4), new(2, 0.5)]);
        var solid = new PlotSeries("pristine", Palette.Of(1), SeriesStyle.Line, [new(0, 0.5), new(1, 0.8), new(2, 0.9)]);
        var spec = new FigureSpec("learned", "Learned", "step", "share", [solid, dashed]) { Guides = [new GuideLine("half", Palette.Diagonal, true, 0, 0.5)] };

        // Skia's SVG canvas prints a warning on stderr for every path effect: ScottPlot gets none.
        var figure = FigurePlot.Build(spec);
        Assert.All(figure.Plot.GetPlottables<ScottPlot.Plottables.Scatter>(), s => Assert.Equal(ScottPlot.LinePattern.Solid.Name, s.LinePattern.Name));
        Assert.All(figure.Plot.GetPlottables<ScottPlot.Plottables.LinePlot>(), l => Assert.Equal(ScottPlot.LinePattern.Solid.Name, l.LinePattern.Name));
        Assert.All(figure.Plot.Legend.ManualItems, i => Assert.Equal(ScottPlot.LinePattern.Solid.Name, i.LinePattern.Name));

        var svg = XElement.Parse(FigureSvg.Render(spec));
        var strokes = svg.Descendants(Svg + "path").Where(p => p.Attribute("stroke") is { } s && Rgb(s.Value) == Rgb(Palette.Of(1))).ToArray();
        // The two series and their two legend swatches; the dashed ones (and the dashed guide) with the dash pattern.
        Assert.Equal(2, strokes.Count(p => (string?)p.Attribute("stroke-dasharray") == Dashes.Pattern));
        Assert.Equal(2, strokes.Count(p => p.Attribute("stroke-dasharray") is null));
        Assert.Equal(2, svg.Descendants(Svg + "path").Count(p => p.Attribute("stroke") is { } s && Rgb(s.Value) == Rgb(Palette.Diagonal) && (string?)p.Attribute("stroke-dasharray") == Dashes.Pattern));
        Assert.DoesNotContain(svg.Descendants().Attributes("stroke-opacity"), a => a.Value.StartsWith("0.99", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_figure_gives_the_same_bytes_with_ids_of_its_own()
    {
        var first = FigureSvg.Render(Scatter(Points));
        var second = FigureSvg.Render(Scatter(Points));
        var other = FigureSvg.Render(Scatter(Points) with { Id = "other" });
        Assert.Equal(first, second); // ScottPlot numbers clip paths across the process; the report renumbers them

        var svg = XElement.Parse(first);
        var ids = svg.Descendants().Attributes("id").Select(a => a.Value).ToArray();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.StartsWith("scatter-clip-", id));
        Assert.Empty(XElement.Parse(other).Descendants().Attributes("id").Select(a => a.Value).Intersect(ids));
        var references = Regex.Matches(first, @"url\(#([^)]*)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Contains(r, ids));
        Assert.Equal("fig-scatter", (string?)svg.Attribute("id"));
        Assert.Equal("A scatter", svg.Element(Svg + "title")!.Value);
        Assert.StartsWith("0 0 ", (string?)svg.Attribute("viewBox"));
    }

    [Fact]
    public void Text_names_a_font_installed_here_then_any_sans_serif()
    {
        var svg = XElement.Parse(FigureSvg.Render(Scatter(Points)));
        var fonts = svg.Descendants(Svg + "text").Select(t => (string?)t.Attribute("font-family")).Distinct().ToArray();
        Assert.Equal([$"{FigurePlot.FontName}, sans-serif"], fonts.Select(f => f ?? ""));
        // DejaVu Sans has the labels' glyphs (ρ, Σ, ², ‖, θ); fontconfig lists it where Chromium renders the page.
        Assert.Equal("DejaVu Sans", FigurePlot.FontName);
        Assert.Equal("DejaVu Sans", ScottPlot.Fonts.GetTypeface(FigurePlot.FontName, false, false).FamilyName);
    }

    [Fact]
    public void A_hostile_label_stays_text()
    {
        const string hostile = "</text><script>alert('x')</script>&amp; \"q\" \u0001<g>";
        var series = new PlotSeries(hostile, Palette.Of(1), SeriesStyle.Markers, [new(1, 2), new(2, 3)]);
        var text = FigureSvg.Render(new FigureSpec("x\"y", hostile, hostile, hostile, [series]));
        Assert.DoesNotContain("<script", text);
        var svg = XElement.Parse(text);
        Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName == "script");
        var expected = hostile.Replace('\u0001', '\uFFFD');
        Assert.Equal(expected, svg.Element(Svg + "title")!.Value);
        Assert.Equal("fig-x\"y", (string?)svg.Attribute("id"));
        Assert.True(Texts(svg).Count(t => t == expected) >= 3, "title, x label and legend keep the text whole"); // the y label wraps
    }

    [Fact]
    public void Linear_ticks_read_as_round_numbers()
    {
        Assert.Equal(["16000", "0.025", "0.3", "0", "-1.5"], new[] { 16000, 0.025, 0.1 + 0.2, 1e-17, -1.5 }.Select(FigurePlot.TickLabel));
    }

    [Fact]
    public void Long_legend_labels_wrap_between_grid_parameters()
    {
        Assert.Equal("train_size=1000, dataset.noise=0.2", FigurePlot.Wrap("train_size=1000, dataset.noise=0.2"));
        Assert.Equal("training.batch_size=16,\ntraining.penalties={mgs_trace: 0.001}", FigurePlot.Wrap("training.batch_size=16, training.penalties={mgs_trace: 0.001}"));
    }
}
