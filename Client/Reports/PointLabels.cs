using System.Globalization;
using System.Text.RegularExpressions;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Client.Reports;

/// <summary>
/// How a sweep point is named in legends and tables: its grid parameters (<c>path=value</c>), with the
/// label-noise fraction spelled as real labels (0) / random labels (1) as in the GSNR paper's fig. 5, and the
/// empty penalty map as <c>none</c> (the MGS paper's unregularised baseline).
/// Labels come from user specs: escape them where they are written (<see cref="Markup.Escape"/>).
/// </summary>
internal static partial class PointLabels
{
    public const string LabelNoiseAxis = "dataset.label_noise.fraction";

    public const string PenaltiesAxis = "training.penalties";

    public static string Of(SweepPoint point) => point.Parameters.Count == 0
        ? point.Id
        : string.Join(", ", point.Parameters.Select(p => p.Key == LabelNoiseAxis ? LabelNoise(p.Value) : $"{p.Key}={Value(p.Key, p.Value)}"));

    /// <summary>
    /// A grid value as the report shows it: <c>training.penalties={}</c> adds no penalty, so it reads <c>none</c>
    /// (the spec's text stays in the CSV files, which join with <c>sweeps results</c>).
    /// </summary>
    public static string Value(string axis, string value) =>
        axis == PenaltiesAxis && EmptyMap().IsMatch(value) ? "none" : value;

    /// <summary>Whether the points differ in label noise (the real-vs-random comparison applies).</summary>
    public static bool LabelNoiseVaries(SweepSpec spec) =>
        spec.Points.Select(p => p.Spec.Dataset.LabelNoise?.Fraction ?? 0).Distinct().Count() > 1;

    private static string LabelNoise(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p switch
        {
            0 => "real labels",
            1 => "random labels",
            _ => $"label noise {value}",
        } : $"label noise {value}";

    [GeneratedRegex(@"^\s*\{\s*\}\s*$")]
    private static partial Regex EmptyMap();
}
