using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Silo.Results;

/// <summary>
/// A run's final test accuracy, the one definition the console's summary, <c>results/summary.csv</c> and the report's
/// accuracy table share: the mean of its last <see cref="Samples"/> recorded test accuracies (fewer when fewer were
/// recorded), as the MGS paper's table 1 defines it (SCIENCE.md §3: the last 5 of 100 samples).
/// </summary>
public static class FinalTestAccuracy
{
    public const int Samples = 5;

    /// <summary>What the console and the report call the value.</summary>
    public static readonly string Definition = $"each run's mean of its last {Samples} recorded test accuracies";

    /// <returns>NaN when the run recorded no test accuracy (regression).</returns>
    public static double Of(IReadOnlyList<CurveRow> curve)
    {
        var last = curve.Where(r => double.IsFinite(r.TestAccuracy)).TakeLast(Samples).ToArray();
        return last.Length == 0 ? double.NaN : last.Sum(r => r.TestAccuracy) / last.Length;
    }
}
