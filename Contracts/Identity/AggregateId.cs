namespace OrleansSweeps.Contracts.Identity;

/// <summary>Identity of an aggregator (a grain identity): sweep / point / recorded step.</summary>
public readonly record struct AggregateId(string Sweep, int Point, int Step)
{
    public string PointId => $"p{Point:D4}";

    public override string ToString() => $"{Sweep}/{PointId}/s{Step:D9}";
}
