namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// A drain outlasted <see cref="SiloOptions.DrainTimeout"/>: the leases of the <see cref="Abandoned"/> activations
/// still running were given back without a final checkpoint (their runs resume from their previous one).
/// </summary>
public sealed class DrainTimeoutException(TimeSpan timeout, IReadOnlyList<string> abandoned)
    : Exception($"drain exceeded the {timeout.TotalSeconds:0.###} s grace period: gave back {abandoned.Count} lease(s) without a final checkpoint ({string.Join(", ", abandoned.Take(3))}{(abandoned.Count > 3 ? ", …" : "")}); their runs resume from their previous checkpoint")
{
    public TimeSpan Timeout { get; } = timeout;

    public IReadOnlyList<string> Abandoned { get; } = abandoned;
}
