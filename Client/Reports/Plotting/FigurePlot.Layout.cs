using ScottPlot;
using ScottPlot.TickGenerators;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>The legend, and the square plot area of a <see cref="FigureSpec.Square"/> figure.</summary>
internal static partial class FigurePlot
{
    /// <summary>
    /// Space around a square figure's values, as a share of their range on each side: markers (<see cref="MarkerSize"/>
    /// wide in a plot area of about 450 px, so about 1% of it) are never cut by the frame, even at the extremes.
    /// </summary>
    public const double SquareMargin = 0.06;

    /// <summary>Legend text longer than this is wrapped at its ", " (between grid parameters), so it stays whole in print.</summary>
    public const int MaxLegendLine = 40;

    private const int LegendLinePixels = 20;
    private const int LegendFramePixels = 80;

    private static void AddLegend(Plot plot, IReadOnlyList<LegendRow> rows)
    {
        if (rows.Count == 0) return;
        foreach (var row in rows)
        {
            var color = Color.FromHex(row.Color);
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = Markup.Printable(Wrap(row.Label)),
                MarkerShape = row.Marker,
                MarkerSize = MarkerSize,
                MarkerFillColor = color,
                MarkerLineColor = color,
                LineColor = Dashes.Stroke(row.Color, row.Dashed),
                LineWidth = row.Line ? LineWidth : 0,
            });
        }
        plot.ShowLegend(Edge.Right);
    }

    /// <summary>The figure height the legend needs, one text line after another.</summary>
    private static int LegendHeight(IReadOnlyList<LegendRow> rows) =>
        LegendFramePixels + LegendLinePixels * rows.Sum(r => Wrap(r.Label).Count(c => c == '\n') + 1);

    public static string Wrap(string label)
    {
        if (label.Length <= MaxLegendLine) return label;
        var lines = new List<string>();
        var line = "";
        foreach (var part in label.Split(", "))
        {
            if (line.Length > 0 && line.Length + 2 + part.Length > MaxLegendLine)
            {
                lines.Add(line + ",");
                line = part;
            }
            else line = line.Length == 0 ? part : line + ", " + part;
        }
        lines.Add(line);
        return string.Join('\n', lines);
    }

    /// <summary>One range for both axes: every value with <see cref="SquareMargin"/> of the range to spare on each side.</summary>
    private static void SetEqualLimits(Plot plot, IReadOnlyList<PlotSeries> series)
    {
        var values = series.SelectMany(s => s.Points).SelectMany(p => new[] { p.X, p.Y }).Where(double.IsFinite).ToArray();
        var (lo, hi) = values.Length == 0 ? (0.0, 1.0) : (values.Min(), values.Max());
        var span = hi > lo ? hi - lo : Math.Max(Math.Abs(lo), 1);
        (lo, hi) = (lo - SquareMargin * span, hi + SquareMargin * span);
        plot.Axes.SetLimits(lo, hi, lo, hi);
    }

    /// <summary>
    /// Makes the plot area square, so that equal ranges put y = x at 45°: laid out once at the usual width, the figure is
    /// then narrowed (or widened) by the difference between the plot area's width and its height, and the plot area
    /// fixed there. Both axes get the same tick interval (the coarser of the two ScottPlot chose), so the grid is square too.
    /// </summary>
    private static LaidOutFigure Squared(Plot plot, int height)
    {
        plot.RenderInMemory(Width, height);
        var area = plot.LastRender.DataRect;
        var side = area.Height;
        var width = (int)Math.Ceiling(Width - (area.Width - side));
        var interval = Math.Max(Interval(plot.Axes.Bottom.TickGenerator), Interval(plot.Axes.Left.TickGenerator));
        if (double.IsFinite(interval) && interval > 0)
        {
            plot.Axes.Bottom.TickGenerator = new NumericFixedInterval(interval) { LabelFormatter = TickLabel };
            plot.Axes.Left.TickGenerator = new NumericFixedInterval(interval) { LabelFormatter = TickLabel };
        }
        plot.Layout.Fixed(new PixelRect(area.Left, area.Left + side, area.Top + side, area.Top));
        return new LaidOutFigure(plot, width, height);
    }

    private static double Interval(ITickGenerator ticks)
    {
        var major = ticks.Ticks.Where(t => t.IsMajor).Select(t => t.Position).Order().ToArray();
        return major.Length < 2 ? double.NaN : major[1] - major[0];
    }
}
