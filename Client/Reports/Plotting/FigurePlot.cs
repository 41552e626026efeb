using ScottPlot;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>A figure laid out by ScottPlot, and the size in pixels it is to be rendered at.</summary>
internal sealed record LaidOutFigure(Plot Plot, int Width, int Height);

/// <summary>
/// Draws a <see cref="FigureSpec"/> with ScottPlot: title, axis labels, ticks and grid, the series (a point keeps its
/// palette colour), guide lines across the plot, and a legend to the right of the plot area.
/// </summary>
internal static partial class FigurePlot
{
    public const int Width = 800;
    public const int MinHeight = 400;

    /// <summary>The height of a <see cref="FigureSpec.Square"/> figure; its width is what the square plot and the legend need.</summary>
    public const int SquareHeight = 560;

    public const float MarkerSize = 8;
    private const float TitleSize = 15;
    private const float LabelSize = 13;
    private const float TickSize = 11;

    /// <summary>A y label longer than this goes on two lines, its unit "(…)" on the second, so that it fits the plot's height.</summary>
    private const int MaxYLabel = 48;
    private const float LineWidth = 2;
    private const float ThinLineWidth = 1;

    /// <summary>
    /// The figures' typeface: DejaVu Sans where installed (fonts-dejavu-core, on Debian and most Linux desktops), which
    /// has every glyph the labels use (ρ, Σ, ², ‖, ∂, θ); ScottPlot's default otherwise. ScottPlot lays text out with
    /// its glyphs' widths, so the same fonts give the same figure.
    /// </summary>
    public static readonly string FontName =
        Fonts.GetTypeface("DejaVu Sans", false, false)?.FamilyName == "DejaVu Sans" ? "DejaVu Sans" : Fonts.Default;

    public static LaidOutFigure Build(FigureSpec spec)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(Markup.Printable(spec.Title), TitleSize);
        plot.XLabel(Markup.Printable(spec.XLabel), LabelSize);
        plot.YLabel(Markup.Printable(AxisLabel(spec.YLabel)), LabelSize);
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickLabelStyle.FontSize = TickSize;
            if (axis.TickGenerator is ScottPlot.TickGenerators.NumericAutomatic ticks) ticks.LabelFormatter = TickLabel;
        }
        var logX = !spec.Square && AxisScale.IsLog(spec.LogX, spec.Series.SelectMany(s => s.Points.Select(p => p.X)));
        var logY = !spec.Square && AxisScale.IsLog(spec.LogY, spec.Series.SelectMany(s => s.Points.Select(p => p.Y)));
        if (logX) plot.Axes.Bottom.TickGenerator = AxisScale.Decades();
        if (logY) plot.Axes.Left.TickGenerator = AxisScale.Decades();
        foreach (var s in spec.Series) AddSeries(plot, s, logX, logY);

        if (spec.Square) SetEqualLimits(plot, spec.Series);
        else plot.Axes.AutoScale();
        if (!logX && !logY) AddGuides(plot, spec.Guides);

        var rows = spec.Legend ?? [.. spec.Series.Where(s => s.InLegend).Select(Row), .. spec.Guides.Select(Row)];
        AddLegend(plot, rows);
        var height = Math.Max(spec.Square ? SquareHeight : MinHeight, LegendHeight(rows));
        return spec.Square ? Squared(plot, height) : new LaidOutFigure(plot, Width, height);
    }

    private static string AxisLabel(string label)
    {
        var unit = label.LastIndexOf("  (", StringComparison.Ordinal);
        return label.Length > MaxYLabel && unit > 0 ? label[..unit] + "\n" + label[(unit + 2)..] : label;
    }

    /// <summary>
    /// A linear axis' tick: a round number as it reads ("16000", "0.025"; 10 significant digits hide the float error
    /// of a tick computed as a multiple of its step), no thousands separator, 0 for float noise around zero.
    /// </summary>
    public static string TickLabel(double value) =>
        Math.Abs(value) < 1e-12 ? "0" : value.ToString("G10", System.Globalization.CultureInfo.InvariantCulture);

    private static void AddSeries(Plot plot, PlotSeries s, bool logX, bool logY)
    {
        var color = Color.FromHex(s.Color);
        var points = s.Points.Select(p => new Coordinates(AxisScale.Plotted(p.X, logX), AxisScale.Plotted(p.Y, logY))).ToArray();
        if (s.Style is SeriesStyle.Markers or SeriesStyle.LineAndMarkers)
        {
            var drawable = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            if (drawable.Length > 0) plot.Add.Markers(drawable, s.Marker, MarkerSize, color);
        }
        if (s.Style == SeriesStyle.Markers) return;
        // Consecutive drawable points form one line; an undrawable one breaks it.
        foreach (var run in Runs(points))
        {
            var line = plot.Add.ScatterLine(run, Dashes.Stroke(s.Color, s.Style == SeriesStyle.DashedLine));
            line.LineWidth = s.Style == SeriesStyle.ThinLine ? ThinLineWidth : LineWidth;
        }
    }

    private static IEnumerable<Coordinates[]> Runs(IEnumerable<Coordinates> points)
    {
        var run = new List<Coordinates>();
        foreach (var p in points)
        {
            if (double.IsFinite(p.X) && double.IsFinite(p.Y))
            {
                run.Add(p);
                continue;
            }
            if (run.Count > 1) yield return [.. run];
            run = [];
        }
        if (run.Count > 1) yield return [.. run];
    }

    /// <summary>Guide lines end to end across the axis limits already set (the plot area clips what lies outside).</summary>
    private static void AddGuides(Plot plot, IReadOnlyList<GuideLine> guides)
    {
        var limits = plot.Axes.GetLimits();
        foreach (var g in guides.Where(g => double.IsFinite(g.Slope) && double.IsFinite(g.Intercept)))
        {
            var line = plot.Add.Line(limits.Left, g.Slope * limits.Left + g.Intercept, limits.Right, g.Slope * limits.Right + g.Intercept);
            line.Color = Dashes.Stroke(g.Color, g.Dashed);
            line.LineWidth = 1.5f;
        }
        plot.Axes.SetLimits(limits);
    }

    private static LegendRow Row(PlotSeries s) => new(s.Label, s.Color,
        s.Style is SeriesStyle.Markers or SeriesStyle.LineAndMarkers ? s.Marker : MarkerShape.None,
        s.Style != SeriesStyle.Markers, s.Style == SeriesStyle.DashedLine);

    private static LegendRow Row(GuideLine g) => new(g.Label, g.Color, Line: true, Dashed: g.Dashed);
}
