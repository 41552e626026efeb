using Orleans;

namespace OrleansSweeps.Contracts.Grains;

/// <summary>
/// The aggregate of one (point, recorded step) (key: <c>sweep/pNNNN/sNNNNNNNNN</c>, <see cref="Identity.AggregateId"/>):
/// once its M replicate reports are in, it reduces them in replicate order, so the result has the same bits
/// whichever silo computes it and however often runs were interrupted, and stores it once.
/// </summary>
public interface IAggregatorGrain : IGrainWithStringKey
{
    /// <summary>Computes and stores the aggregate (a stored one is left as it is); false when not all M reports are in.</summary>
    Task<bool> Compute();
}
