using System.Globalization;
using System.Xml.Linq;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>What a reader sees in a report figure: ScottPlot's SVG, with the root attributes the report adds.</summary>
internal static class FigureReader
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>The inline figure of the page with this id ("fig-…").</summary>
    public static XElement Figure(string html, string id) =>
        ReportCommandTests.SvgElements(html).Single(s => (string?)s.Attribute("id") == id);

    /// <summary>Every text of a figure, as a reader sees it (whitespace around it trimmed).</summary>
    public static IReadOnlyList<string> Texts(XElement svg) =>
        svg.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToArray();

    /// <summary>The plot area in the figure's pixels, from its <c>data-plot-area</c>.</summary>
    public static (double X, double Y, double Width, double Height) PlotArea(XElement svg)
    {
        var v = ((string)svg.Attribute("data-plot-area")!).Split(' ').Select(Number).ToArray();
        return (v[0], v[1], v[2], v[3]);
    }

    /// <summary>The centres of the filled round markers of <paramref name="colour"/> inside the plot area (a legend's swatch is outside).</summary>
    public static IReadOnlyList<(double X, double Y)> Circles(XElement svg, string colour)
    {
        var area = PlotArea(svg);
        return svg.Descendants(Svg + "ellipse")
            .Where(e => Rgb((string?)e.Attribute("fill") ?? "none") == Rgb(colour))
            .Select(e => (X: Number((string)e.Attribute("cx")!), Y: Number((string)e.Attribute("cy")!)))
            .Where(c => c.X >= area.X && c.X <= area.X + area.Width && c.Y >= area.Y && c.Y <= area.Y + area.Height)
            .ToArray();
    }

    /// <summary>"#1f77b4", "#1F77B4" and "#999" (as ScottPlot writes some greys) as RGB; (-1, -1, -1) for a name ("black", "none").</summary>
    public static (int R, int G, int B) Rgb(string hex)
    {
        if (!hex.StartsWith('#')) return (-1, -1, -1);
        var h = hex[1..];
        if (h.Length == 3) h = string.Concat(h.Select(c => $"{c}{c}"));
        return (Convert.ToInt32(h[..2], 16), Convert.ToInt32(h[2..4], 16), Convert.ToInt32(h[4..6], 16));
    }

    public static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
