using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Grains.Aggregates;

/// <summary>
/// The aggregate of one (point, recorded step) as an Orleans grain (<see cref="IAggregatorGrain"/>). Its state is the
/// catalog's: the M reports, stored exactly once, and the result, stored once (a different second result is an
/// error), so it needs no grain state and any silo may compute it. The reduction (<see cref="AggregateReduction"/>,
/// replicate order, float64) runs on the thread pool, not on the grain scheduler.
/// </summary>
public sealed class AggregatorGrain(IAggregateSite site) : Grain, IAggregatorGrain
{
    public async Task<bool> Compute()
    {
        var id = AggregateId.Parse(this.GetPrimaryKeyString());
        if (await site.IsStoredAsync(id)) return true;
        var spec = await site.SpecAsync(id);
        if (await site.ReportCountAsync(id) < spec.Replicates) return false;
        var store = site.Store(id);
        using (site.Computing(id))
        {
            site.Computed(id, await Task.Run(() => new AggregateReduction(id, spec, store).Activate()));
        }
        return true;
    }
}
