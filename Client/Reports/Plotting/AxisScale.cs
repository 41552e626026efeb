using ScottPlot;
using ScottPlot.TickGenerators;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>
/// Linear or log10 axes. ScottPlot has no log scale of its own: a log axis plots log10 of the values, with ticks
/// at whole decades labelled 10ⁿ and minor ticks at 2..9 × 10ⁿ (ScottPlot's documented way).
/// </summary>
internal static class AxisScale
{
    /// <summary>A quantity whose positive values span this ratio or more (two decades) is drawn on a log axis.</summary>
    public const double DecadesRatio = 100;

    /// <summary>True when every finite value is positive and they span at least <see cref="DecadesRatio"/>.</summary>
    public static bool SpansDecades(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length > 0 && finite.All(v => v > 0) && finite.Max() / finite.Min() >= DecadesRatio;
    }

    /// <summary>Whether an axis is log: as <paramref name="requested"/>, or (null) when its values span decades.</summary>
    public static bool IsLog(bool? requested, IEnumerable<double> values) => requested ?? SpansDecades(values);

    /// <summary>Where a value is plotted: itself, or log10 on a log axis; NaN when it cannot be drawn (not finite, or ≤ 0 on a log axis).</summary>
    public static double Plotted(double value, bool log) =>
        !double.IsFinite(value) || (log && value <= 0) ? double.NaN : log ? Math.Log10(value) : value;

    /// <summary>Ticks of a log axis: whole decades only (so every label is a power of ten), minor ticks between them.</summary>
    public static ITickGenerator Decades() => new NumericAutomatic
    {
        IntegerTicksOnly = true,
        LabelFormatter = Decade,
        MinorTickGenerator = new LogMinorTickGenerator(),
    };

    /// <summary>"10³", "10⁻²": the tick label of log10 value <paramref name="exponent"/>.</summary>
    public static string Decade(double exponent)
    {
        var n = (int)Math.Round(exponent);
        return "10" + string.Concat(Markup.Int(n).Select(c => c == '-' ? '⁻' : "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));
    }
}
