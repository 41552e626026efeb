using System.Globalization;

namespace OrleansSweeps.Client.Display;

/// <summary>A count and its noun, singular for exactly one ("1 run", "0 runs", "3 points"), as the console and the report print them.</summary>
internal static class Counted
{
    /// <param name="plural">The plural where it is not <paramref name="noun"/> + "s".</param>
    public static string Of(long count, string noun, string? plural = null) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {Noun(count, noun, plural)}";

    /// <summary>"1 of 2 runs", "1 of 1 run": the noun agrees with the total.</summary>
    public static string OfTotal(long count, long total, string noun, string? plural = null) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} of {Of(total, noun, plural)}";

    public static string Noun(long count, string noun, string? plural = null) => count == 1 ? noun : plural ?? noun + "s";
}
