using System.Globalization;
using System.Text;
using System.Xml.Linq;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Tests.TestSupport;
using Xunit.Abstractions;
using static OrleansSweeps.Tests.Client.Reports.FigureReader;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>
/// Every figure of a report draws, as Chromium renders it: the page's inline SVGs, stacked on one test page at known
/// places and screenshot once, must each show ink in their plot area, every series colour they name there, and
/// their printed text (title above the plot area, axis label below it: text drawn with the fonts installed).
/// </summary>
[Collection(ReportedExamplesCollection.Name)]
public sealed class FigureRenderTests(ReportedExamples examples, ITestOutputHelper output)
{
    private const int Gap = 20;
    private const int ColourTolerance = 12;

    /// <summary>Pixels clearly darker than the grid lines (ScottPlot's are about 230 grey).</summary>
    private const int InkLevel = 200;

    private const int MinPlotInk = 300;
    private const int MinTextInk = 100;
    // Few where markers overlap: in the toy OSGR figure the points of train size 100 and 1000 at noise 0.2 lie close.
    private const int MinColourPixels = 10;

    [Fact]
    public Task Every_figure_of_the_toy_OSGR_report_draws() => EveryFigureDraws(examples.Toy, ["fig-osgr", "fig-gsnr"]);

    [Fact]
    public Task Every_figure_of_the_MGS_two_circles_report_draws() => EveryFigureDraws(examples.Mgs, ["fig-mgs-trace", "fig-mgs-logdet", "fig-overfit"]);

    private async Task EveryFigureDraws(ReportedExample example, string[] expected)
    {
        Assert.True(example.Report.ExitCode == 0, example.Report.Stderr);
        var figures = ReportCommandTests.SvgElements(File.ReadAllText(example.Page)).ToArray();
        Assert.Equal(expected, figures.Select(f => (string)f.Attribute("id")!));

        // The figures one under another, each at its own size (the page's CSS would scale them to its width).
        var page = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"margin:0;background:#fff\">\n");
        var tops = new List<int>();
        var top = 0;
        foreach (var f in figures)
        {
            tops.Add(top);
            page.Append(CultureInfo.InvariantCulture, $"<div style=\"position:absolute;left:0;top:{top}px\">").Append(f.ToString(SaveOptions.DisableFormatting)).Append("</div>\n");
            top += (int)Number((string)f.Attribute("height")!) + Gap;
        }
        page.Append("</body></html>\n");
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("figures.html"), page.ToString());
        var width = figures.Max(f => (int)Number((string)f.Attribute("width")!));
        var image = await HeadlessChromium.Screenshot(dir.Combine("figures.html"), width, top);

        for (var i = 0; i < figures.Length; i++)
        {
            var id = (string)figures[i].Attribute("id")!;
            var area = PlotArea(figures[i]);
            // Inside the frame: 3 px in from the plot area's edges.
            var plot = Region(image, (int)area.X + 3, tops[i] + (int)area.Y + 3, (int)area.Width - 6, (int)area.Height - 6);
            var colours = SeriesColours(figures[i]);
            var ink = plot.Count(p => p.R < InkLevel || p.G < InkLevel || p.B < InkLevel);
            var seen = colours.ToDictionary(c => c, c => plot.Count(p => Near(p, Rgb(c))));
            output.WriteLine($"{example.Name} {id}: plot ink {ink}; " + string.Join(", ", seen.Select(s => $"{s.Key} {s.Value}")));

            Assert.True(ink >= MinPlotInk, $"{id}: {ink} inked pixels in the plot area");
            Assert.True(colours.Count >= (id is "fig-osgr" or "fig-gsnr" ? 6 : 3), $"{id}: names {colours.Count} series colours");
            Assert.All(seen, s => Assert.True(s.Value >= MinColourPixels, $"{id}: series colour {s.Key} has {s.Value} pixels in the plot area"));

            // Text: the title above the plot area, the x axis label below it.
            var title = Region(image, (int)area.X, tops[i], (int)area.Width, (int)area.Y - 4);
            var below = Region(image, (int)area.X, tops[i] + (int)(area.Y + area.Height) + 4, (int)area.Width, (int)Number((string)figures[i].Attribute("height")!) - (int)(area.Y + area.Height) - 4);
            Assert.True(Dark(title) >= MinTextInk, $"{id}: title has {Dark(title)} dark pixels");
            Assert.True(Dark(below) >= MinTextInk, $"{id}: tick and axis labels have {Dark(below)} dark pixels");
        }
    }

    /// <summary>The palette colours a figure draws with (its series, in the plot and the legend).</summary>
    private static IReadOnlyList<string> SeriesColours(XElement svg)
    {
        var used = svg.Descendants().Attributes().Where(a => a.Name.LocalName is "fill" or "stroke" && a.Value.StartsWith('#')).Select(a => Rgb(a.Value)).ToHashSet();
        return Palette.Colors.Where(c => used.Contains(Rgb(c))).ToArray();
    }

    private static bool Near((byte R, byte G, byte B) p, (int R, int G, int B) c) =>
        Math.Abs(p.R - c.R) <= ColourTolerance && Math.Abs(p.G - c.G) <= ColourTolerance && Math.Abs(p.B - c.B) <= ColourTolerance;

    private static int Dark(IEnumerable<(byte R, byte G, byte B)> pixels) => pixels.Count(p => p.R < 128 && p.G < 128 && p.B < 128);

    private static List<(byte R, byte G, byte B)> Region(PngImage image, int x, int y, int width, int height)
    {
        var pixels = new List<(byte R, byte G, byte B)>();
        for (var row = Math.Max(0, y); row < Math.Min(image.Height, y + height); row++)
        {
            for (var col = Math.Max(0, x); col < Math.Min(image.Width, x + width); col++) pixels.Add(image[col, row]);
        }
        return pixels;
    }
}
