using System.Globalization;
using System.Text;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>The legend: one row per series, then per guide line, to the right of the plot; long labels are cut with the full text as a tooltip.</summary>
internal static partial class SvgFigure
{
    private static void Legend(StringBuilder svg, FigureSpec spec)
    {
        svg.Append("<g class=\"legend\">\n");
        var row = 0;
        foreach (var s in spec.Series)
        {
            var swatch = s.Style == SeriesStyle.Markers
                ? $"<circle cx=\"{Markup.Px(LegendLeft + 10)}\" cy=\"{{0}}\" r=\"{Markup.Px(MarkerRadius)}\" fill=\"{s.Color}\"/>"
                : $"<line x1=\"{Markup.Px(LegendLeft)}\" y1=\"{{0}}\" x2=\"{Markup.Px(LegendLeft + 20)}\" y2=\"{{0}}\" stroke=\"{s.Color}\" stroke-width=\"2\"{(s.Style == SeriesStyle.DashedLine ? " stroke-dasharray=\"6 4\"" : "")}/>";
            Entry(svg, row++, swatch, s.Label);
        }
        foreach (var g in spec.Guides)
        {
            Entry(svg, row++, $"<line x1=\"{Markup.Px(LegendLeft)}\" y1=\"{{0}}\" x2=\"{Markup.Px(LegendLeft + 20)}\" y2=\"{{0}}\" stroke=\"{g.Color}\" stroke-width=\"1.5\"{(g.Dashed ? " stroke-dasharray=\"6 4\"" : "")}/>", g.Label);
        }
        svg.Append("</g>\n");
    }

    private static void Entry(StringBuilder svg, int row, string swatchFormat, string label)
    {
        var cy = PlotTop + 8 + row * LegendRow;
        var shown = label.Length > MaxLegendChars ? label[..(MaxLegendChars - 1)] + "…" : label;
        svg.Append(string.Format(CultureInfo.InvariantCulture, swatchFormat, Markup.Px(cy)))
            .Append(CultureInfo.InvariantCulture, $"<text class=\"legend-label\" x=\"{Markup.Px(LegendLeft + 26)}\" y=\"{Markup.Px(cy)}\" dy=\"4\">")
            .Append(Markup.Escape(shown)).Append(shown == label ? "" : $"<title>{Markup.Escape(label)}</title>").Append("</text>\n");
    }
}
