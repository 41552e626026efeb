namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>
/// Maps data values to pixels along one axis, linearly or on log10, over a domain widened to whole ticks:
/// "nice" steps (1, 2 or 5 × 10^k, about <see cref="TargetIntervals"/> of them) when linear, whole decades when log.
/// </summary>
internal sealed class PlotScale
{
    /// <summary>About how many tick intervals a linear axis gets.</summary>
    public const int TargetIntervals = 5;

    /// <summary>A quantity whose positive values span this ratio or more (two decades) is drawn on a log axis.</summary>
    public const double DecadesRatio = 100;

    /// <summary>Most ticks on a log axis; more decades than this are labelled every second (third, …) decade.</summary>
    public const int MaxLogTicks = 8;

    // Floors and ceilings of value/step forgive this much float error (0.6/0.2 = 2.9999999999999996).
    private const double Slack = 1e-9;

    private readonly double _pixelFrom;
    private readonly double _pixelTo;

    private PlotScale(bool log, double min, double max, IReadOnlyList<double> ticks, double pixelFrom, double pixelTo)
    {
        Log = log;
        Min = min;
        Max = max;
        Ticks = ticks;
        _pixelFrom = pixelFrom;
        _pixelTo = pixelTo;
    }

    public bool Log { get; }

    /// <summary>Domain ends (after widening to ticks), in data units.</summary>
    public double Min { get; }

    public double Max { get; }

    public IReadOnlyList<double> Ticks { get; }

    /// <summary>True when every finite value is positive and they span at least <see cref="DecadesRatio"/>.</summary>
    public static bool SpansDecades(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length > 0 && finite.All(v => v > 0) && finite.Max() / finite.Min() >= DecadesRatio;
    }

    /// <summary>Log when the values span decades (<see cref="SpansDecades"/>), linear otherwise.</summary>
    public static PlotScale Auto(IEnumerable<double> values, double pixelFrom, double pixelTo)
    {
        var list = values.ToArray();
        return SpansDecades(list) ? LogScale(list, pixelFrom, pixelTo) : Linear(list, pixelFrom, pixelTo);
    }

    public static PlotScale Linear(IEnumerable<double> values, double pixelFrom, double pixelTo)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        double lo = finite.Length == 0 ? 0 : finite.Min(), hi = finite.Length == 0 ? 1 : finite.Max();
        if (hi == lo)
        {
            var pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            (lo, hi) = (lo - pad, hi + pad);
        }
        var step = NiceStep((hi - lo) / TargetIntervals);
        var first = Math.Floor(lo / step + Slack);
        var last = Math.Ceiling(hi / step - Slack);
        // Ticks as integer multiples of the step, so they print without accumulated error.
        var ticks = Enumerable.Range(0, (int)(last - first) + 1).Select(i => (first + i) * step).ToArray();
        return new PlotScale(false, ticks[0], ticks[^1], ticks, pixelFrom, pixelTo);
    }

    /// <summary>A log10 axis over the positive values (others cannot be drawn and are ignored).</summary>
    public static PlotScale LogScale(IEnumerable<double> values, double pixelFrom, double pixelTo)
    {
        var positive = values.Where(v => double.IsFinite(v) && v > 0).ToArray();
        var lo = positive.Length == 0 ? 0 : (int)Math.Floor(Math.Log10(positive.Min()) + Slack);
        var hi = positive.Length == 0 ? 1 : (int)Math.Ceiling(Math.Log10(positive.Max()) - Slack);
        if (hi <= lo) hi = lo + 1;
        var stride = (hi - lo + MaxLogTicks - 1) / MaxLogTicks;
        var ticks = new List<double>();
        for (var k = lo; k <= hi; k += stride) ticks.Add(Math.Pow(10, k));
        return new PlotScale(true, Math.Pow(10, lo), Math.Pow(10, hi), ticks, pixelFrom, pixelTo);
    }

    /// <summary>The pixel of <paramref name="value"/>; NaN when it cannot be drawn (not finite, or ≤ 0 on a log axis).</summary>
    public double ToPixel(double value)
    {
        if (!double.IsFinite(value) || (Log && value <= 0)) return double.NaN;
        var t = Log ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min)) : (value - Min) / (Max - Min);
        return _pixelFrom + t * (_pixelTo - _pixelFrom);
    }

    /// <summary>1, 2 or 5 × 10^k, the smallest not below <paramref name="raw"/>.</summary>
    private static double NiceStep(double raw)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var residual = raw / magnitude;
        return (residual <= 1 + Slack ? 1 : residual <= 2 + Slack ? 2 : residual <= 5 + Slack ? 5 : 10) * magnitude;
    }
}
