using ScottPlot;

namespace OrleansSweeps.Client.Reports.Plotting;

internal enum SeriesStyle
{
    Line,
    DashedLine,
    Markers,
    LineAndMarkers,

    /// <summary>A thin line without markers, e.g. joining a scatter's markers in order.</summary>
    ThinLine,
}

internal readonly record struct PlotPoint(double X, double Y);

/// <summary>A named series drawn in one colour; non-finite points break its line and are not drawn.</summary>
internal sealed record PlotSeries(string Label, string Color, SeriesStyle Style, IReadOnlyList<PlotPoint> Points)
{
    /// <summary>The markers' shape, where the style draws markers.</summary>
    public MarkerShape Marker { get; init; } = MarkerShape.FilledCircle;

    /// <summary>False for a series that the figure's own <see cref="FigureSpec.Legend"/> rows describe.</summary>
    public bool InLegend { get; init; } = true;
}

/// <summary>A straight line y = slope·x + intercept across the plot (linear axes only), e.g. y = x or a least-squares fit.</summary>
internal sealed record GuideLine(string Label, string Color, bool Dashed, double Slope, double Intercept);

/// <summary>
/// A row of a legend: a swatch of the marker and line it names, then its text. A row without either (the defaults)
/// is a heading for the rows below it.
/// </summary>
internal sealed record LegendRow(string Label, string Color = Palette.Text, MarkerShape Marker = MarkerShape.None, bool Line = false, bool Dashed = false);

/// <summary>
/// A figure to draw: title, axis labels, series and guide lines. <see cref="Square"/> puts both axes on one range in a
/// square plot area (a scatter of two estimates of the same quantity, so y = x is the 45° diagonal).
/// </summary>
internal sealed record FigureSpec(string Id, string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series)
{
    public IReadOnlyList<GuideLine> Guides { get; init; } = [];

    /// <summary>Null: a row per series (those <see cref="PlotSeries.InLegend"/>) and per guide line; otherwise these rows.</summary>
    public IReadOnlyList<LegendRow>? Legend { get; init; }

    public bool Square { get; init; }

    /// <summary>Null: log when the values span decades (<see cref="AxisScale.SpansDecades"/>); otherwise as given.</summary>
    public bool? LogX { get; init; }

    public bool? LogY { get; init; }
}

/// <summary>Series colours (Tableau 10: distinct for the common kinds of colour blindness), reused cyclically.</summary>
internal static class Palette
{
    public static readonly IReadOnlyList<string> Colors =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The y = x diagonal of a scatter.</summary>
    public const string Diagonal = "#999999";

    /// <summary>Text, and swatches that stand for no one series (a marker shape shared by every point).</summary>
    public const string Text = "#000000";

    public static string Of(int index) => Colors[index % Colors.Count];
}
