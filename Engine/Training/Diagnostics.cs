namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Coherent-gradients diagnostics a run appends to its curves at a recorded step (SCIENCE.md §4); NaN where
/// not recorded. Columns appear when the spec has label noise or asks for <c>stats.coherence</c> / <c>stats.learned</c>.
/// </summary>
/// <param name="Overfit">train accuracy − ((1−p)·test accuracy + p/k): p the label-noise fraction, k the classes.</param>
/// <param name="FPristine">f_p = g·g_p/‖g‖² over the statistics' examples.</param>
/// <param name="FCorrupt">f_c = g·g_c/‖g‖² (= 1 − f_p).</param>
/// <param name="FPristineNullMean">Mean of f_p over the null worlds (flags permuted).</param>
/// <param name="FPristineNullSd">Sample sd of f_p over the null worlds.</param>
/// <param name="LearnedPristine">Share of pristine training examples classified as labelled at some recorded step ≤ t.</param>
/// <param name="LearnedCorrupt">The same for corrupt examples (their noisy labels).</param>
public sealed record Diagnostics(
    double Overfit,
    double FPristine,
    double FCorrupt,
    double FPristineNullMean,
    double FPristineNullSd,
    double LearnedPristine,
    double LearnedCorrupt)
{
    public const string CsvHeader = "overfit,f_pristine,f_corrupt,f_pristine_null_mean,f_pristine_null_sd,learned_pristine,learned_corrupt";

    public const int FieldCount = 7;

    internal static double[] Empty { get; } = [.. Enumerable.Repeat(double.NaN, FieldCount)];

    internal double[] ToArray() => [Overfit, FPristine, FCorrupt, FPristineNullMean, FPristineNullSd, LearnedPristine, LearnedCorrupt];

    /// <summary>Null when every value is NaN.</summary>
    internal static Diagnostics? FromArray(ReadOnlySpan<double> v)
    {
        foreach (var x in v)
        {
            if (!double.IsNaN(x)) return new Diagnostics(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        }
        return null;
    }

    /// <summary>The overfit measure of SCIENCE.md §4 (NaN for regression).</summary>
    public static double OverfitOf(double trainAccuracy, double testAccuracy, double noise, int classes) =>
        trainAccuracy - ((1 - noise) * testAccuracy + noise / classes);
}
