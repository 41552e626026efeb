namespace OrleansSweeps.Silo.Placement;

/// <summary>
/// How long this silo's runs took on their slot lately: an exponentially weighted mean (weight
/// <see cref="Weight"/> on the newest), so a sweep whose runs grow longer stops queueing runs for a slot (<see cref="SlotPool.Queues"/>) within a few runs.
/// </summary>
internal sealed class RecentRunTimes
{
    private const double Weight = 0.25;
    private readonly Lock _gate = new();
    private double _meanSeconds = double.NaN;

    public void Add(TimeSpan time)
    {
        lock (_gate) _meanSeconds = double.IsNaN(_meanSeconds) ? time.TotalSeconds : Weight * time.TotalSeconds + (1 - Weight) * _meanSeconds;
    }

    /// <summary>True once a run was timed and the recent mean is under <paramref name="limit"/>.</summary>
    public bool ShorterThan(TimeSpan limit)
    {
        lock (_gate) return _meanSeconds < limit.TotalSeconds;
    }
}
