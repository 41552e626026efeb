namespace OrleansSweeps.Contracts.Identity;

/// <summary>Identity of a training run (a grain identity): sweep / point / replicate.</summary>
public readonly record struct RunId(string Sweep, int Point, int Replicate)
{
    public string PointId => $"p{Point:D4}";

    public string ReplicateId => $"r{Replicate:D3}";

    public override string ToString() => $"{Sweep}/{PointId}/{ReplicateId}";
}
