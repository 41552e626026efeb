using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Grains.Aggregates;

/// <summary>What an <see cref="AggregatorGrain"/> needs of its silo: the point's spec, the catalog's reports and result, the blobs.</summary>
public interface IAggregateSite
{
    Task<RunSpec> SpecAsync(AggregateId aggregate);

    /// <summary>How many of the M replicate reports of the (point, step) are in.</summary>
    Task<int> ReportCountAsync(AggregateId aggregate);

    /// <summary>Whether the aggregate's result is stored.</summary>
    Task<bool> IsStoredAsync(AggregateId aggregate);

    /// <summary>The reports, vectors and result store of one aggregate (synchronous: the reduction runs off the grain scheduler).</summary>
    IAggregateStore Store(AggregateId aggregate);
}
