namespace OrleansSweeps.Contracts.Identity;

/// <summary>Identity of an aggregator (a grain identity): sweep / point / recorded step.</summary>
public readonly record struct AggregateId(string Sweep, int Point, int Step)
{
    public string PointId => $"p{Point:D4}";

    public override string ToString() => $"{Sweep}/{PointId}/s{Step:D9}";

    /// <summary>The aggregate of a grain key written by <see cref="ToString"/>; anything else throws <see cref="FormatException"/>.</summary>
    public static AggregateId Parse(string key)
    {
        var (sweep, point, step) = GrainKey.Split(key, 's');
        return new AggregateId(sweep, point, step);
    }
}
