using System.Globalization;
using System.Xml.Linq;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Client.Reports.Sections;
using OrleansSweeps.Grains.Sweeps;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>The SVG figures: where a scatter's markers land, the fit line and its legend, log ticks, and escaping.</summary>
public sealed class SvgFigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // rhs, lhs: every value lies in [0.1, 0.9]; range 0.8 / 5 = 0.16 → step 0.2, so both axes span exactly [0, 1].
    private static readonly (string Label, double Rhs, double Lhs)[] Points =
        [("a", 0.1, 0.2), ("b", 0.4, 0.35), ("c", 0.7, 0.8), ("d", 0.9, 0.6)];

    [Fact]
    public void Scatter_markers_land_at_the_pixels_of_their_values()
    {
        var svg = XDocument.Parse(SvgFigure.Render(OsgrSection.Scatter(10, Points)));
        var circles = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series").Elements(Svg + "circle").ToArray();
        Assert.Equal(Points.Length, circles.Length);
        for (var i = 0; i < Points.Length; i++)
        {
            var x = SvgFigure.PlotLeft + Points[i].Rhs * (SvgFigure.PlotRight - SvgFigure.PlotLeft);
            var y = SvgFigure.PlotBottom - Points[i].Lhs * (SvgFigure.PlotBottom - SvgFigure.PlotTop);
            Assert.Equal(x, Number(circles[i], "cx"), 2);
            Assert.Equal(y, Number(circles[i], "cy"), 2);
            Assert.StartsWith($"{Points[i].Label}: rhs", circles[i].Element(Svg + "title")!.Value);
        }
    }

    [Fact]
    public void Fit_line_and_legend_show_the_numbers_of_OsgrCorrelation()
    {
        var fit = OsgrCorrelation.Fit(10, Points.Select(p => (p.Rhs, p.Lhs)).ToArray());
        var svg = XDocument.Parse(SvgFigure.Render(OsgrSection.Scatter(10, Points)));
        var line = svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "fit");
        Assert.Equal(fit.Slope.ToString("R", CultureInfo.InvariantCulture), (string?)line.Attribute("data-slope"));
        Assert.Equal(fit.Intercept.ToString("R", CultureInfo.InvariantCulture), (string?)line.Attribute("data-intercept"));
        // The line spans the x domain [0, 1]: at x = 0 it is at the intercept, at x = 1 at slope + intercept.
        Assert.Equal(SvgFigure.PlotBottom - fit.Intercept * (SvgFigure.PlotBottom - SvgFigure.PlotTop), Number(line, "y1"), 2);
        Assert.Equal(SvgFigure.PlotBottom - (fit.Slope + fit.Intercept) * (SvgFigure.PlotBottom - SvgFigure.PlotTop), Number(line, "y2"), 2);
        var legend = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "legend-label").Select(t => t.Value).ToArray();
        Assert.Contains($"c = {fit.Pearson.ToString("0.000", CultureInfo.InvariantCulture)}", legend.Single(l => l.StartsWith("fit:", StringComparison.Ordinal)));
        Assert.Contains("y = x", legend);
        var diagonal = svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "diagonal");
        Assert.Equal(SvgFigure.PlotBottom, Number(diagonal, "y1"), 2); // (0, 0)
        Assert.Equal(SvgFigure.PlotTop, Number(diagonal, "y2"), 2);    // (1, 1)
    }

    [Fact]
    public void A_quantity_spanning_decades_gets_a_log_axis_with_decade_ticks()
    {
        var series = new PlotSeries("trace", Palette.Of(0), SeriesStyle.LineAndMarkers, [new(0, 0.5), new(10, 40), new(20, 3000)]);
        var svg = XDocument.Parse(SvgFigure.Render(new FigureSpec("t", "Trace", "step", "trace", [series])));
        var ticks = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick-y").Select(t => t.Value).ToArray();
        Assert.Equal(["10-1", "100", "101", "102", "103", "104"], ticks); // "10" with the exponent in a raised tspan
        var xTicks = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick-x").Select(t => t.Value).ToArray();
        Assert.Equal(["0", "5", "10", "15", "20"], xTicks);
        var circles = svg.Descendants(Svg + "circle").ToArray();
        // 40 sits 1.602 decades above 10^-1 on an axis of 5 decades.
        Assert.Equal(SvgFigure.PlotBottom - (Math.Log10(40) + 1) / 5 * (SvgFigure.PlotBottom - SvgFigure.PlotTop), Number(circles[1], "cy"), 2);
    }

    [Fact]
    public void A_hostile_label_stays_text()
    {
        const string hostile = "</text><script>alert('x')</script>&amp; \"q\" \u0001<g>";
        var series = new PlotSeries(hostile, Palette.Of(1), SeriesStyle.Markers, [new(1, 2, hostile), new(2, 3, hostile)]);
        var text = SvgFigure.Render(new FigureSpec("x\"y", hostile, hostile, hostile, [series]));
        Assert.DoesNotContain("<script", text);
        var svg = XDocument.Parse(text);
        Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName == "script");
        var expected = hostile.Replace('\u0001', '\uFFFD');
        Assert.Equal(expected, svg.Root!.Element(Svg + "title")!.Value);
        Assert.Equal(expected, (string?)svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series").Attribute("data-label"));
        Assert.All(svg.Descendants(Svg + "circle").Where(c => c.Element(Svg + "title") is not null), c => Assert.Equal(expected, c.Element(Svg + "title")!.Value));
    }

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
