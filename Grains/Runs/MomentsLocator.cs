using System.Globalization;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// Where one recorded step's moment vectors lie: <paramref name="Length"/> bytes at <paramref name="Offset"/>
/// of blob <paramref name="Key"/>, one enveloped "moments" vector (header + SHA-256). A run writes the vectors
/// of all the steps it reports at once into one blob (one file, not one per step), and each step's report
/// carries its locator, so the aggregator reads exactly its range.
/// </summary>
public sealed record MomentsLocator(string Key, long Offset, int Length)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Key} {Offset} {Length}");

    public static MomentsLocator Parse(string text, string source)
    {
        var parts = text.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length == 0)
            throw new InvalidDataException($"{source}: moments locator '{text}' is not 'KEY OFFSET LENGTH' (a blob key, a byte offset, a positive length)");
        return new MomentsLocator(parts[0], offset, length);
    }
}
