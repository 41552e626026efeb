namespace OrleansSweeps.Engine.Statistics;

/// <summary>Mean and sample standard deviation across replicates, summed in replicate order.</summary>
public static class ReplicateMoments
{
    /// <returns>
    /// (mean, sample sd with divisor M−1); the sd of one replicate is undefined (NaN: an empty cell in every table), not 0;
    /// NaN when any value is NaN.
    /// </returns>
    public static (double Mean, double Sd) Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        double sum = 0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Count;
        if (values.Count == 1) return (mean, double.NaN);
        double squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / (values.Count - 1)));
    }
}
