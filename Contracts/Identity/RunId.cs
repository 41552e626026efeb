using System.Globalization;

namespace OrleansSweeps.Contracts.Identity;

/// <summary>Identity of a training run (a grain identity): sweep / point / replicate.</summary>
public readonly record struct RunId(string Sweep, int Point, int Replicate)
{
    public string PointId => $"p{Point:D4}";

    public string ReplicateId => $"r{Replicate:D3}";

    public override string ToString() => $"{Sweep}/{PointId}/{ReplicateId}";

    /// <summary>The run of a grain key written by <see cref="ToString"/>; anything else throws <see cref="FormatException"/>.</summary>
    public static RunId Parse(string key)
    {
        var (sweep, point, replicate) = GrainKey.Split(key, 'r');
        return new RunId(sweep, point, replicate);
    }
}

/// <summary>Reads the grain keys <c>sweep/pNNNN/xNNN</c> of runs and aggregates.</summary>
internal static class GrainKey
{
    public static (string Sweep, int Point, int Last) Split(string key, char lastPrefix)
    {
        var parts = key.Split('/');
        if (parts.Length != 3 || parts[0].Length == 0 || !Number(parts[1], 'p', out var point) || !Number(parts[2], lastPrefix, out var last))
            throw new FormatException($"'{key}' is not a grain key of the form sweep/pNNNN/{lastPrefix}NNN");
        return (parts[0], point, last);
    }

    private static bool Number(string part, char prefix, out int value)
    {
        value = 0;
        return part.Length > 1 && part[0] == prefix && part.Skip(1).All(char.IsAsciiDigit)
            && int.TryParse(part.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
