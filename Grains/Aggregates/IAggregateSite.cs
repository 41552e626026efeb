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

    /// <summary>While the aggregate is computed (its trace span); dispose when done.</summary>
    IDisposable Computing(AggregateId aggregate);

    /// <summary>The aggregate was computed and stored (telemetry: the count and the science gauges of its point).</summary>
    void Computed(AggregateId aggregate, AggregateResult result);

    /// <summary>The reports, vectors and result store of one aggregate (synchronous: the reduction runs off the grain scheduler).</summary>
    IAggregateStore Store(AggregateId aggregate);
}
