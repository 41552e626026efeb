namespace OrleansSweeps.Client.Reports.Plotting;

internal enum SeriesStyle
{
    Line,
    DashedLine,
    Markers,
    LineAndMarkers,
}

/// <summary>One data point; <paramref name="Tooltip"/> is shown on hover over its marker.</summary>
internal readonly record struct PlotPoint(double X, double Y, string? Tooltip = null);

/// <summary>A named series drawn in one colour; non-finite points break its line and are not drawn.</summary>
internal sealed record PlotSeries(string Label, string Color, SeriesStyle Style, IReadOnlyList<PlotPoint> Points);

/// <summary>A straight line y = slope·x + intercept across the plot (linear axes only), e.g. y = x or a least-squares fit.</summary>
internal sealed record GuideLine(string Label, string Color, bool Dashed, double Slope, double Intercept, string CssClass);

/// <summary>
/// A figure to draw: title, axis labels, series and guide lines. <see cref="SameDomain"/> puts both axes on
/// one domain (a scatter of two estimates of the same quantity, so y = x is the diagonal).
/// </summary>
internal sealed record FigureSpec(string Id, string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series)
{
    public IReadOnlyList<GuideLine> Guides { get; init; } = [];

    public bool SameDomain { get; init; }

    /// <summary>Null: log when the values span decades (<see cref="PlotScale.Auto"/>); otherwise as given.</summary>
    public bool? LogX { get; init; }

    public bool? LogY { get; init; }
}

/// <summary>Series colours (Tableau 10: distinct for the common kinds of colour blindness), reused cyclically.</summary>
internal static class Palette
{
    public static readonly IReadOnlyList<string> Colors =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The y = x diagonal and the least-squares fit of a scatter.</summary>
    public const string Diagonal = "#999999";

    public const string Fit = "#222222";

    public static string Of(int index) => Colors[index % Colors.Count];
}
