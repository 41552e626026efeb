namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// A drain outlasted the grace period: the <see cref="Abandoned"/> runs still training were stopped without a final
/// checkpoint (they resume from their previous one).
/// </summary>
public sealed class DrainTimeoutException(TimeSpan timeout, IReadOnlyList<string> abandoned)
    : Exception($"drain exceeded the {timeout.TotalSeconds:0.###} s grace period: {abandoned.Count} run(s) stopped without a final checkpoint ({string.Join(", ", abandoned.Take(3))}{(abandoned.Count > 3 ? ", …" : "")}); they resume from their previous checkpoint")
{
    public TimeSpan Timeout { get; } = timeout;

    public IReadOnlyList<string> Abandoned { get; } = abandoned;
}
