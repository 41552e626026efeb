using Orleans.Runtime;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Sites;

/// <summary>
/// Writes this silo's name, slots and device to the catalog as it starts, before it becomes active in the membership,
/// so <c>sweeps status</c> can show what a silo Orleans lists serves. Written once: liveness is Orleans' to tell.
/// </summary>
internal sealed class SiloSlotsRecord(ILedger ledger, SweepsSiloOptions options, ILocalSiloDetails silo) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloSlotsRecord), ServiceLifecycleStage.ApplicationServices,
            cancel => ledger.RecordSiloAsync(silo.Name, options.Slots, options.Device ?? options.Serves, cancel));
}
