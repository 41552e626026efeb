using System.Globalization;
using System.Text;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>
/// Draws a <see cref="FigureSpec"/> as a standalone SVG document (also valid inline in HTML): title, framed
/// plot area with ticks and grid, axis labels, series clipped to the plot, and a legend to the right.
/// Every text from the spec is escaped (<see cref="Markup.Escape"/>).
/// </summary>
internal static partial class SvgFigure
{
    public const int Width = 800;
    public const int MinHeight = 380;
    public const double PlotLeft = 80;
    public const double PlotRight = 500;
    public const double PlotTop = 44;
    public const double PlotBottom = 324;
    public const double MarkerRadius = 4;
    private const double LegendLeft = 516;
    private const double LegendRow = 18;
    private const int MaxLegendChars = 42;

    public static (PlotScale X, PlotScale Y) Scales(FigureSpec spec)
    {
        var xs = spec.Series.SelectMany(s => s.Points.Select(p => p.X)).ToArray();
        var ys = spec.Series.SelectMany(s => s.Points.Select(p => p.Y)).ToArray();
        if (spec.SameDomain) xs = ys = [.. xs, .. ys];
        return (Scale(xs, spec.LogX, PlotLeft, PlotRight), Scale(ys, spec.LogY, PlotBottom, PlotTop));
    }

    public static string Render(FigureSpec spec)
    {
        var (x, y) = Scales(spec);
        var entries = spec.Series.Count + spec.Guides.Count;
        var height = Math.Max(MinHeight, (int)Math.Ceiling(PlotTop + LegendRow * entries + 20));
        var id = Markup.Escape(spec.Id);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"fig-{id}\" class=\"figure\" width=\"{Width}\" height=\"{height}\" ")
            .Append(CultureInfo.InvariantCulture, $"viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n")
            .Append(CultureInfo.InvariantCulture, $"<title>{Markup.Escape(spec.Title)}</title>\n")
            .Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<defs><clipPath id=\"clip-{id}\"><rect x=\"{Markup.Px(PlotLeft)}\" y=\"{Markup.Px(PlotTop)}\" ")
            .Append(CultureInfo.InvariantCulture, $"width=\"{Markup.Px(PlotRight - PlotLeft)}\" height=\"{Markup.Px(PlotBottom - PlotTop)}\"/></clipPath></defs>\n")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{Markup.Px((PlotLeft + PlotRight) / 2)}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Markup.Escape(spec.Title)}</text>\n");
        Axes(svg, spec, x, y);
        svg.Append(CultureInfo.InvariantCulture, $"<g clip-path=\"url(#clip-{id})\">\n");
        if (!x.Log && !y.Log)
        {
            foreach (var g in spec.Guides) Guide(svg, g, x, y);
        }
        for (var i = 0; i < spec.Series.Count; i++) Series(svg, i, spec.Series[i], x, y);
        svg.Append("</g>\n");
        Legend(svg, spec);
        return svg.Append("</svg>\n").ToString();
    }

    private static PlotScale Scale(double[] values, bool? log, double from, double to) => log switch
    {
        true => PlotScale.LogScale(values, from, to),
        false => PlotScale.Linear(values, from, to),
        null => PlotScale.Auto(values, from, to),
    };

    private static void Axes(StringBuilder svg, FigureSpec spec, PlotScale x, PlotScale y)
    {
        svg.Append("<g class=\"axes\" stroke=\"#333333\">\n");
        foreach (var t in x.Ticks)
        {
            var px = Markup.Px(x.ToPixel(t));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{px}\" y1=\"{Markup.Px(PlotTop)}\" x2=\"{px}\" y2=\"{Markup.Px(PlotBottom)}\" stroke=\"#e6e6e6\"/>")
                .Append(CultureInfo.InvariantCulture, $"<line x1=\"{px}\" y1=\"{Markup.Px(PlotBottom)}\" x2=\"{px}\" y2=\"{Markup.Px(PlotBottom + 5)}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick-x\" x=\"{px}\" y=\"{Markup.Px(PlotBottom + 18)}\" text-anchor=\"middle\" stroke=\"none\">{TickLabel(t, x.Log)}</text>\n");
        }
        foreach (var t in y.Ticks)
        {
            var py = Markup.Px(y.ToPixel(t));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Markup.Px(PlotLeft)}\" y1=\"{py}\" x2=\"{Markup.Px(PlotRight)}\" y2=\"{py}\" stroke=\"#e6e6e6\"/>")
                .Append(CultureInfo.InvariantCulture, $"<line x1=\"{Markup.Px(PlotLeft - 5)}\" y1=\"{py}\" x2=\"{Markup.Px(PlotLeft)}\" y2=\"{py}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick-y\" x=\"{Markup.Px(PlotLeft - 8)}\" y=\"{py}\" dy=\"4\" text-anchor=\"end\" stroke=\"none\">{TickLabel(t, y.Log)}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Markup.Px(PlotLeft)}\" y=\"{Markup.Px(PlotTop)}\" width=\"{Markup.Px(PlotRight - PlotLeft)}\" height=\"{Markup.Px(PlotBottom - PlotTop)}\" fill=\"none\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"label-x\" x=\"{Markup.Px((PlotLeft + PlotRight) / 2)}\" y=\"{Markup.Px(PlotBottom + 42)}\" text-anchor=\"middle\" stroke=\"none\">{Markup.Escape(spec.XLabel)}</text>\n")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"label-y\" transform=\"rotate(-90)\" x=\"{Markup.Px(-(PlotTop + PlotBottom) / 2)}\" y=\"20\" text-anchor=\"middle\" stroke=\"none\">{Markup.Escape(spec.YLabel)}</text>\n")
            .Append("</g>\n");
    }

    /// <summary>A tick's text: 10 with a raised exponent on log axes, up to 4 significant digits on linear ones.</summary>
    private static string TickLabel(double value, bool log) => log
        ? $"10<tspan dy=\"-6\" font-size=\"9\">{Markup.Int((int)Math.Round(Math.Log10(value)))}</tspan>"
        : Markup.Short(Math.Abs(value) < 1e-12 ? 0 : value);

    private static void Guide(StringBuilder svg, GuideLine g, PlotScale x, PlotScale y)
    {
        if (!double.IsFinite(g.Slope) || !double.IsFinite(g.Intercept)) return;
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"{Markup.Escape(g.CssClass)}\" data-slope=\"{Markup.Exact(g.Slope)}\" data-intercept=\"{Markup.Exact(g.Intercept)}\" ")
            .Append(CultureInfo.InvariantCulture, $"x1=\"{Markup.Px(x.ToPixel(x.Min))}\" y1=\"{Markup.Px(y.ToPixel(g.Slope * x.Min + g.Intercept))}\" ")
            .Append(CultureInfo.InvariantCulture, $"x2=\"{Markup.Px(x.ToPixel(x.Max))}\" y2=\"{Markup.Px(y.ToPixel(g.Slope * x.Max + g.Intercept))}\" ")
            .Append(CultureInfo.InvariantCulture, $"stroke=\"{g.Color}\" stroke-width=\"1.5\"{(g.Dashed ? " stroke-dasharray=\"6 4\"" : "")}/>\n");
    }

    private static void Series(StringBuilder svg, int index, PlotSeries s, PlotScale x, PlotScale y)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series\" data-series=\"{index}\" data-label=\"{Markup.Escape(s.Label)}\">\n");
        var pixels = s.Points.Select(p => (X: x.ToPixel(p.X), Y: y.ToPixel(p.Y), p.Tooltip)).ToArray();
        if (s.Style != SeriesStyle.Markers)
        {
            // Consecutive drawable points form one polyline; an undrawable one breaks it.
            foreach (var run in Runs(pixels.Select(p => (p.X, p.Y))))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', run.Select(p => $"{Markup.Px(p.X)},{Markup.Px(p.Y)}"))}\" fill=\"none\" ")
                    .Append(CultureInfo.InvariantCulture, $"stroke=\"{s.Color}\" stroke-width=\"2\"{(s.Style == SeriesStyle.DashedLine ? " stroke-dasharray=\"6 4\"" : "")}/>\n");
            }
        }
        if (s.Style is SeriesStyle.Markers or SeriesStyle.LineAndMarkers)
        {
            foreach (var p in pixels.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)))
            {
                var title = p.Tooltip is null ? "" : $"<title>{Markup.Escape(p.Tooltip)}</title>";
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Markup.Px(p.X)}\" cy=\"{Markup.Px(p.Y)}\" r=\"{Markup.Px(MarkerRadius)}\" fill=\"{s.Color}\">{title}</circle>\n");
            }
        }
        svg.Append("</g>\n");
    }

    private static IEnumerable<List<(double X, double Y)>> Runs(IEnumerable<(double X, double Y)> points)
    {
        var run = new List<(double X, double Y)>();
        foreach (var p in points)
        {
            if (double.IsFinite(p.X) && double.IsFinite(p.Y))
            {
                run.Add(p);
                continue;
            }
            if (run.Count > 1) yield return run;
            run = [];
        }
        if (run.Count > 1) yield return run;
    }
}
