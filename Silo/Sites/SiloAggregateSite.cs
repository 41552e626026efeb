using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Sites;

/// <summary>The silo's side of every <see cref="AggregatorGrain"/>: reports and result in the catalog, vectors in blobs.</summary>
internal sealed class SiloAggregateSite(ILedger ledger, IBlobStore blobs, SweepSpecs specs, SiloTelemetry telemetry) : IAggregateSite
{
    public async Task<RunSpec> SpecAsync(AggregateId aggregate) => (await specs.GetAsync(aggregate.Sweep)).Points[aggregate.Point].Spec;

    public async Task<int> ReportCountAsync(AggregateId aggregate) => (await ledger.ReadReportsAsync(aggregate)).Count;

    public async Task<bool> IsStoredAsync(AggregateId aggregate) => await ledger.ReadAggregateResultAsync(aggregate) is not null;

    public IDisposable Computing(AggregateId aggregate) => Scope.Of(telemetry.StartAggregate(aggregate));

    public void Computed(AggregateId aggregate, AggregateResult result) => telemetry.AggregateCompleted(aggregate, result);

    public IAggregateStore Store(AggregateId aggregate) => new LedgerAggregateStore(ledger, blobs, aggregate);
}
