using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Placement;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Results;

namespace OrleansSweeps.Silo.Sites;

/// <summary>The silo's side of every <see cref="SweepGrain"/>: the catalog, the cluster's slots (membership and silo metadata), the results.</summary>
internal sealed class SiloSweepSite(
    ILedger ledger, IBlobStore blobs, SweepSpecs specs, SweepWatch watch, SweepsSiloOptions options,
    IClusterMembershipService membership, ISiloMetadataCache metadata) : ISweepSite
{
    public Task<SweepSpec> SpecAsync(string sweep) => specs.GetAsync(sweep);

    public Task<IReadOnlyList<RunId>> UnfinishedRunsAsync(string sweep) => ledger.ListUnfinishedRunsAsync(sweep);

    public Task<IReadOnlyList<AggregateId>> PendingAggregatesAsync(string sweep) => ledger.ListPendingAggregatesAsync(sweep);

    public async Task<bool> IsCancelledAsync(string sweep) => (await ledger.GetSweepStatusAsync(sweep))?.State == SweepState.Cancelled;

    public Task CancelAsync(string sweep) => ledger.CancelSweepAsync(sweep);

    public IReadOnlyDictionary<string, int> Silos(string deviceKind) => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active)
        .Select(m => (Silo: m.SiloAddress, Metadata: metadata.GetSiloMetadata(m.SiloAddress).Metadata))
        .Where(m => SlotMetadata.Serves(m.Metadata.GetValueOrDefault(SlotMetadata.Device), deviceKind))
        .ToDictionary(m => m.Silo.ToParsableString(), m => int.TryParse(m.Metadata.GetValueOrDefault(SlotMetadata.Slots), out var slots) ? slots : 0);

    /// <summary>The results table and per-point summary; blocking store I/O, so off the grain scheduler.</summary>
    public Task FinishAsync(string sweep, SweepSpec spec) =>
        Task.Run(() => SweepCompletion.Write(new SweepCatalog(sweep, new LedgerSweepStore(ledger, blobs)), spec, blobs));

    public TimeSpan Tick => options.SweepTick;

    public TimeSpan? ReminderPeriod => options.ReminderPeriod;

    public void PhaseChanged(string sweep, SweepView view) => watch.Changed(sweep, view);
}
